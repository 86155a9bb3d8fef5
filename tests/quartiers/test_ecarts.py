"""The gaps table: every quartier of the current contract against its commune or its EPCI,
its page (sort, permissions), its Excel export, its query count and the demo's figures.
Every number is computed by hand from `jeu`."""

from decimal import Decimal as D
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from quartiers.ecarts import tableau_ecarts, trier
from quartiers.enums import Sens, Tendance, TerritoireKind, Theme, Unite
from quartiers.models import Quartier
from tests import factories
from tests.programmation.factories import QuartierFactory
from tests.quartiers.factories import IndicateurFactory, TerritoireFactory, ValeurFactory

URL = reverse("quartiers:ecarts")
EXCEL = reverse("quartiers:ecarts_excel")
SECRET = {"valeur": None, "secret": True}


def _valeurs(indicateur, territoire, par_millesime):
    for millesime, valeur in par_millesime.items():
        extra = SECRET if valeur == "s" else {"valeur": valeur}
        ValeurFactory(territoire=territoire, indicateur=indicateur, millesime=millesime, **extra)


@pytest.fixture
def jeu(contrat):
    return construire_jeu(contrat)


def construire_jeu(contrat):
    """Two quartiers of Carcassonne, four indicators (one without any value)."""
    epci = TerritoireFactory(kind=TerritoireKind.EPCI, code="200035715", nom="Agglo")
    commune = TerritoireFactory(code="11069", nom="Carcassonne", parent=epci)
    conte = QuartierFactory(contrat=contrat, nom="La Conte", code="QP011002")
    viguier = QuartierFactory(contrat=contrat, nom="Le Viguier", code="QP011003")
    for quartier in (conte, viguier):
        quartier.territoire.parent = commune
        quartier.territoire.save()
    pauvrete = IndicateurFactory(code="taux_pauvrete", ordre=1)
    familles = IndicateurFactory(
        code="familles_monoparentales", libelle="Familles monoparentales", theme=Theme.FAMILLES
    )
    revenu = IndicateurFactory(
        code="revenu_median", libelle="Revenu médian", unite=Unite.EUROS, sens=Sens.HAUSSE, ordre=2
    )
    IndicateurFactory(code="taux_emploi", libelle="Taux d'emploi", theme=Theme.EMPLOI)
    _valeurs(pauvrete, conte.territoire, {2015: 55, 2019: 61})
    _valeurs(pauvrete, viguier.territoire, {2015: 70, 2019: 65})
    _valeurs(pauvrete, commune, {2015: 25, 2019: 27})
    _valeurs(pauvrete, epci, {2015: 20, 2019: 21})
    _valeurs(familles, conte.territoire, {2018: 20, 2020: "s"})
    _valeurs(familles, commune, {2018: 17, 2020: 17})
    _valeurs(revenu, conte.territoire, {2015: 10976, 2019: 12130})
    _valeurs(revenu, commune, {2019: 18110})
    return {"conte": conte, "viguier": viguier, "commune": commune, "epci": epci}


def _par_cle(tableau):
    return {(ligne.quartier.nom, ligne.indicateur.code): ligne for ligne in tableau.lignes}


# The selector ----------------------------------------------------------------------------


def test_it_gives_each_quartier_its_latest_value_gap_and_trend(jeu, contrat, agent_agglo):
    tableau = tableau_ecarts(contrat=contrat, user=agent_agglo)

    # taux_emploi has no value anywhere: left out. Revenus (pauvreté, revenu) before familles.
    assert [i.code for i in tableau.indicateurs] == [
        "taux_pauvrete",
        "revenu_median",
        "familles_monoparentales",
    ]
    assert len(tableau.lignes) == 6  # 2 quartiers × 3 indicators
    lignes = _par_cle(tableau)
    conte = lignes["La Conte", "taux_pauvrete"]
    # 2019: 61 − 27 = 34 points; 2015: 55 − 25 = 30 → the lag grew by 4 points.
    assert (conte.millesime, conte.valeur, conte.reference) == (2019, D("61"), D("27"))
    assert conte.ecart == D("34") and conte.retard == D("34")
    assert conte.premier_millesime == 2015
    assert conte.tendance == Tendance.CREUSE
    assert conte.ecart_texte == "+34\u00a0pts"
    viguier = lignes["Le Viguier", "taux_pauvrete"]
    # 2019: 65 − 27 = 38; 2015: 70 − 25 = 45 → narrowed by 7 points.
    assert viguier.ecart == D("38") and viguier.tendance == Tendance.REDUIT


def test_a_secret_or_missing_value_is_never_a_zero(jeu, contrat, agent_agglo):
    lignes = _par_cle(tableau_ecarts(contrat=contrat, user=agent_agglo))

    secret = lignes["La Conte", "familles_monoparentales"]
    assert secret.millesime == 2020 and secret.secret and secret.valeur is None
    assert secret.reference == D("17")
    assert secret.ecart is None and secret.tendance == Tendance.NON_CALCULABLE
    assert (secret.valeur_texte, secret.ecart_texte) == ("s", "non calculable")
    manquant = lignes["Le Viguier", "familles_monoparentales"]
    assert manquant.manquant and manquant.valeur_texte == "—"
    assert manquant.ecart is None and manquant.tendance == Tendance.NON_CALCULABLE
    # Revenu: 12 130 − 18 110 = −5 980 €, below the town (higher is better: a lag of 5 980);
    # 2015 has no commune figure, so the trend is not computable rather than "stable".
    revenu = lignes["La Conte", "revenu_median"]
    assert revenu.ecart == D("-5980") and revenu.retard == D("5980")
    assert revenu.ecart_texte == "−5\u202f980\u00a0€"
    assert revenu.tendance == Tendance.NON_CALCULABLE


def test_the_epci_can_be_the_reference(jeu, contrat, agent_agglo):
    tableau = tableau_ecarts(contrat=contrat, user=agent_agglo, reference=TerritoireKind.EPCI)

    conte = _par_cle(tableau)["La Conte", "taux_pauvrete"]
    # 61 − 21 = 40 in 2019, 55 − 20 = 35 in 2015.
    assert (conte.reference, conte.ecart, conte.tendance) == (D("21"), D("40"), Tendance.CREUSE)
    # The EPCI has no income figure: the gap is not computable.
    assert _par_cle(tableau)["La Conte", "revenu_median"].ecart is None


def test_it_sorts_with_the_rows_lacking_the_key_last(jeu, contrat, agent_agglo):
    tableau = tableau_ecarts(contrat=contrat, user=agent_agglo)

    lignes = trier(tableau.lignes, "-ecart")

    assert [ligne.ecart for ligne in lignes[:3]] == [D("38"), D("34"), D("-5980")]
    assert [ligne.ecart for ligne in lignes[3:]] == [None, None, None]
    assert [ligne.ecart for ligne in trier(tableau.lignes, "ecart")[:3]] == [
        D("-5980"),
        D("34"),
        D("38"),
    ]


def test_another_contracts_user_sees_none_of_these_quartiers(jeu, contrat, agent_autre_contrat):
    tableau = tableau_ecarts(contrat=contrat, user=agent_autre_contrat)

    assert tableau.quartiers == [] and tableau.lignes == []


def _ajouter_quartiers(contrat, commune, n, indicateur):
    for _ in range(n):
        quartier = QuartierFactory(contrat=contrat)
        quartier.territoire.parent = commune
        quartier.territoire.save()
        ValeurFactory(territoire=quartier.territoire, indicateur=indicateur, millesime=2019)


def test_it_reads_in_four_queries_whatever_the_quartiers(
    jeu, contrat, agent_agglo, django_assert_num_queries
):
    # 1 quartiers with their territories and ancestors, 2 the quartiers they replace,
    # 3 the catalogue, 4 the values.
    with django_assert_num_queries(4):
        assert len(tableau_ecarts(contrat=contrat, user=agent_agglo).quartiers) == 2
    _ajouter_quartiers(contrat, jeu["commune"], 2, IndicateurFactory(code="taux_pauvrete"))
    with django_assert_num_queries(4):
        assert len(tableau_ecarts(contrat=contrat, user=agent_agglo).quartiers) == 4


def _geographie_suivante(contrat, precedents):
    """A quartier of `contrat` for each of `precedents`, replacing it (a new official code, apart
    from the factory's "QN…" ones)."""
    suivants = []
    for precedent in precedents:
        suivant = QuartierFactory(contrat=contrat, nom=precedent.nom, code=f"QS{precedent.pk:06d}")
        suivant.remplace.add(precedent)
        suivants.append(suivant)
    return suivants


def test_it_follows_a_history_over_several_geographies_in_constant_queries(
    jeu, contrat, agent_agglo, django_assert_num_queries
):
    # La Conte (2015) → a 2024 quartier → a 2030 quartier; only the 2015 quartier has values:
    # poverty 55 then 61 % against 25 then 27 % in the commune, gaps 30 then 34 points.
    troisieme = factories.ContratFactory(nom="Contrat 2030", annee_debut=2030, annee_fin=2036)
    agent_agglo.contrats.add(troisieme)
    deuxieme = _geographie_suivante(factories.ContratFactory(), [jeu["conte"], jeu["viguier"]])
    derniers = _geographie_suivante(troisieme, deuxieme)

    with django_assert_num_queries(6):
        tableau = tableau_ecarts(contrat=troisieme, user=agent_agglo, indicateurs=["taux_pauvrete"])

    lignes = {ligne.quartier.pk: ligne for ligne in tableau.lignes}
    conte = lignes[derniers[0].pk]
    assert (conte.valeur, conte.reference, conte.ecart) == (61, 27, 34)
    assert conte.tendance == Tendance.CREUSE and conte.geographie_precedente
    assert lignes[derniers[1].pk].ecart == 65 - 27
    # More quartiers with the same history depth: the same number of queries.
    _geographie_suivante(troisieme, _geographie_suivante(factories.ContratFactory(), [
        QuartierFactory(contrat=contrat), QuartierFactory(contrat=contrat)
    ]))  # fmt: skip
    with django_assert_num_queries(6):
        assert len(tableau_ecarts(contrat=troisieme, user=agent_agglo).quartiers) == 4


# The page --------------------------------------------------------------------------------


def test_the_page_shows_the_gaps_with_words_and_secrets_explained(client, jeu, agent_agglo):
    client.force_login(agent_agglo)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption>" in html and 'scope="col"' in html and 'scope="row"' in html
    assert "+34\u00a0pts" in html and "+38\u00a0pts" in html
    assert "L&#x27;écart se creuse" in html and "L&#x27;écart se réduit" in html
    assert '<abbr title="secret statistique">s</abbr>' in html
    assert 'aria-sort="ascending"' in html


def test_the_page_sorts_and_switches_reference(client, jeu, agent_agglo):
    client.force_login(agent_agglo)

    response = client.get(URL, {"tri": "-ecart", "reference": "epci"})

    lignes = response.context["lignes"]
    # Against the EPCI: Viguier 65 − 21 = 44, Conte 61 − 21 = 40; the rest not computable.
    assert [ligne.ecart for ligne in lignes[:2]] == [D("44"), D("40")]
    assert all(ligne.ecart is None for ligne in lignes[2:])
    assert 'aria-sort="descending"' in response.content.decode()
    # An unknown sort or reference falls back to the defaults.
    response = client.get(URL, {"tri": "pk", "reference": "france"})
    assert response.context["tri"] == "indicateur" and response.context["reference"] == "commune"


@pytest.mark.parametrize("persona", ["agent_agglo", "partenaire_etat", "lecteur"])
def test_the_contracts_readers_see_the_page(client, jeu, persona, request):
    client.force_login(request.getfixturevalue(persona))

    assert "La Conte" in client.get(URL).content.decode()


@pytest.mark.parametrize("persona", ["porteur", "outsider"])
def test_porteurs_are_refused(client, jeu, persona, request):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(URL).status_code == 403
    assert client.get(EXCEL).status_code == 403


def test_another_contracts_agent_sees_only_their_contract(client, jeu, agent_autre_contrat):
    client.force_login(agent_autre_contrat)

    response = client.get(URL)

    assert response.status_code == 200
    assert "La Conte" not in response.content.decode()


def test_the_page_locks_its_query_count(
    client, jeu, contrat, agent_agglo, django_assert_num_queries
):
    client.force_login(agent_agglo)
    client.get(URL)  # warms the session's contract choice
    # 1 session, 2 user, 3 user's roles (permission, then menu), 4 contracts (current
    # contract), 5-8 the selector (quartiers, replaced quartiers, catalogue, values),
    # 9 contracts of the switcher, 10 user's organisation (header).
    with django_assert_num_queries(NB_REQUETES_PAGE):
        assert len(client.get(URL).context["lignes"]) == 6
    _ajouter_quartiers(contrat, jeu["commune"], 2, IndicateurFactory(code="taux_pauvrete"))
    with django_assert_num_queries(NB_REQUETES_PAGE):
        assert len(client.get(URL).context["lignes"]) == 12


NB_REQUETES_PAGE = 10


# The Excel export ------------------------------------------------------------------------


def test_the_workbook_holds_the_same_rows_and_keeps_secrets(client, jeu, agent_agglo):
    client.force_login(agent_agglo)

    response = client.get(EXCEL, {"tri": "-ecart"})

    assert response.status_code == 200
    assert "ecarts-quartiers-" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content))["Écarts"]
    rows = [row for row in sheet.iter_rows(values_only=True) if any(row)]
    assert rows[0][:4] == ("Thème", "Indicateur", "Unité", "Quartier")
    assert len(rows) == 7  # header + 6 rows
    # Sorted by gap, descending: Viguier 38, Conte 34, the income gap −5 980.
    assert [(row[3], row[8]) for row in rows[1:4]] == [
        ("Le Viguier", 38),
        ("La Conte", 34),
        ("La Conte", -5980),
    ]
    secret = next(row for row in rows if row[1] == "Familles monoparentales" and row[5] == 2020)
    assert secret[6] == "s" and secret[8] is None
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:K7"
    assert sheet["I2"].number_format == "+#,##0.0;-#,##0.0;0"


# The demo --------------------------------------------------------------------------------


@pytest.fixture
def demo(monkeypatch, db):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=StringIO())


def test_the_demo_gaps_of_the_2019_poverty_rates(demo, superuser):
    # 39, 61, 65, 59, 52 % against 27 % for Carcassonne: 12, 34, 38, 32, 25 points above,
    # unfavourable (lower is better); 2019 is the only vintage, so no trend.
    attendus = {"QP011004": 12, "QP011002": 34, "QP011003": 38, "QP011005": 32, "QP011006": 25}
    contrat = Quartier.objects.get(code="QP011002").contrat

    tableau = tableau_ecarts(contrat=contrat, user=superuser, indicateurs=["taux_pauvrete"])

    lignes = {ligne.quartier.code: ligne for ligne in tableau.lignes if not ligne.manquant}
    assert {code: ligne.ecart for code, ligne in lignes.items()} == attendus
    for ligne in lignes.values():
        assert ligne.millesime == 2019 and ligne.reference == 27
        assert ligne.retard > 0
        assert ligne.tendance == Tendance.NON_CALCULABLE
    # The 2024 quartiers replace them and inherit their values, against the same commune.
    suivants = Quartier.objects.filter(remplace__code="QP011002")
    tableau = tableau_ecarts(
        contrat=suivants.get().contrat, user=superuser, indicateurs=["taux_pauvrete"]
    )
    heritiers = sorted(ligne.ecart for ligne in tableau.lignes if not ligne.manquant)
    assert heritiers == sorted(attendus.values())
    assert all(ligne.geographie_precedente for ligne in tableau.lignes if not ligne.manquant)


def test_anonymous_visitors_are_sent_to_the_sign_in(client, db):
    for url in (URL, EXCEL):
        response = client.get(url)
        assert response.status_code == 302 and "/connexion/" in response["Location"]
