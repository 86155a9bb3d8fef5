"""The portrait of a quartier: its selector, its pages, its workbook and its guidelines."""

from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from cdv.formats import NARROW_NBSP, NBSP
from quartiers.enums import Sens, Tendance, TerritoireKind, Theme, Unite
from quartiers.models import LigneDirectrice, Quartier
from quartiers.portrait import portrait
from tests import factories
from tests.programmation.factories import QuartierFactory
from tests.quartiers.factories import IndicateurFactory, TerritoireFactory, ValeurFactory

pytestmark = pytest.mark.django_db
D = Decimal
PCT = f"{NBSP}%"


@pytest.fixture
def carcassonne(contrat):
    """La Conte in Carcassonne in the agglo, with hand-built figures:

    - poverty (%) 2015: 55 / 25 / 20, 2019: 61 / 27 / 21 (quartier / commune / EPCI);
    - median income (€) 2019: 12 130 / 18 110, no EPCI value;
    - single-parent families (%) 2018: 20 / 17, 2020: secret / 17;
    - population 2018: 2 525 (nothing for the references).
    """
    epci = TerritoireFactory(kind=TerritoireKind.EPCI, code="200035715", nom="Agglo")
    commune = TerritoireFactory(code="11069", nom="Carcassonne", parent=epci)
    quartier = QuartierFactory(contrat=contrat, nom="La Conte", code="QP011002", population=2525)
    quartier.territoire.parent = commune
    quartier.territoire.save()
    population = IndicateurFactory(
        code="population", libelle="Population", unite=Unite.NOMBRE, theme=Theme.DEMOGRAPHIE,
        sens=Sens.NEUTRE, ordre=1,
    )  # fmt: skip
    pauvrete = IndicateurFactory(ordre=8)
    revenu = IndicateurFactory(
        code="revenu_median", libelle="Revenu médian", unite=Unite.EUROS, sens=Sens.HAUSSE,
        ordre=9,
    )  # fmt: skip
    familles = IndicateurFactory(
        code="familles_monoparentales", libelle="Familles monoparentales",
        theme=Theme.FAMILLES, ordre=20,
    )  # fmt: skip
    IndicateurFactory(code="taux_emploi", libelle="Taux d'emploi", ordre=12)  # no value at all
    q, c, e = quartier.territoire, commune, epci
    for territoire, indicateur, millesime, valeur in [
        (q, pauvrete, 2015, 55), (c, pauvrete, 2015, 25), (e, pauvrete, 2015, 20),
        (q, pauvrete, 2019, 61), (c, pauvrete, 2019, 27), (e, pauvrete, 2019, 21),
        (q, revenu, 2019, 12130), (c, revenu, 2019, 18110),
        (q, familles, 2018, 20), (c, familles, 2018, 17), (c, familles, 2020, 17),
        (q, population, 2018, 2525),
    ]:  # fmt: skip
        ValeurFactory(
            territoire=territoire, indicateur=indicateur, millesime=millesime, valeur=valeur
        )
    ValeurFactory(territoire=q, indicateur=familles, millesime=2020, valeur=None, secret=True)
    return Quartier.objects.select_related("contrat", "territoire__parent__parent").get(
        pk=quartier.pk
    )


def test_it_compares_each_indicator_with_the_commune_the_epci_and_the_previous_vintage(
    carcassonne, agent_agglo
):
    result = portrait(quartier=carcassonne, user=agent_agglo)

    assert [t.libelle for t in result.themes] == ["Démographie", "Revenus et pauvreté", "Familles"]
    # An indicator without any figure for the quartier is left out.
    assert list(result.lignes) == [
        "population",
        "taux_pauvrete",
        "revenu_median",
        "familles_monoparentales",
    ]
    pauvrete = result.lignes["taux_pauvrete"]
    assert (pauvrete.valeur.millesime, pauvrete.valeur.texte) == (2019, f"61{PCT}")
    assert (pauvrete.precedente.millesime, pauvrete.precedente.texte) == (2015, f"55{PCT}")
    assert pauvrete.references["commune"].texte == f"27{PCT}"
    assert pauvrete.references["epci"].texte == f"21{PCT}"
    # 61 − 27 = 34 points (30 in 2015: widened); 61 − 21 = 40 (35 in 2015: widened).
    commune, epci = pauvrete.ecarts["commune"], pauvrete.ecarts["epci"]
    assert (commune.valeur, commune.texte) == (D("34"), f"+34{NBSP}pts")
    assert (epci.valeur, epci.texte) == (D("40"), f"+40{NBSP}pts")
    assert commune.tendance == epci.tendance == Tendance.CREUSE
    assert commune.tendance_texte == "L'écart se creuse"


def test_a_secret_shows_s_and_a_missing_value_a_dash_never_zero(carcassonne, agent_agglo):
    result = portrait(quartier=carcassonne, user=agent_agglo)

    familles = result.lignes["familles_monoparentales"]
    assert (familles.valeur.texte, familles.valeur.valeur, familles.valeur.secret) == (
        "s",
        None,
        True,
    )
    assert familles.precedente.texte == f"20{PCT}"
    assert familles.references["commune"].texte == f"17{PCT}"
    assert familles.references["epci"].texte == "—"
    assert familles.ecarts["commune"].texte == "non calculable"
    assert familles.ecarts["commune"].tendance == Tendance.NON_CALCULABLE
    revenu = result.lignes["revenu_median"]
    # 12 130 − 18 110 = −5 980 €; a single vintage: no previous value, no trend.
    assert revenu.valeur.texte == f"12{NARROW_NBSP}130{NBSP}€"
    assert revenu.ecarts["commune"].texte == f"−5{NARROW_NBSP}980{NBSP}€"
    assert revenu.precedente.texte == "—"
    assert revenu.ecarts["epci"].texte == "non calculable"
    assert [ligne.indicateur.code for ligne in result.evolutions] == [
        "taux_pauvrete",
        "familles_monoparentales",
    ]


def test_its_queries_do_not_grow_with_the_indicators(
    carcassonne, agent_agglo, django_assert_num_queries
):
    # 1. the catalogue of indicators; 2. the quartiers it replaces (remplace);
    # 3. the values of the quartier and of its references. The territory, its commune
    # and its EPCI come with the quartier (select_related); the EPCI has no parent.
    with django_assert_num_queries(3):
        portrait(quartier=carcassonne, user=agent_agglo)
    for code in ("a", "b", "c"):
        indicateur = IndicateurFactory(code=f"extra_{code}", libelle=code)
        ValeurFactory(territoire=carcassonne.territoire, indicateur=indicateur)
    # A new page loads the quartier again (its history is computed once per instance).
    quartier = Quartier.objects.select_related("territoire__parent__parent").get(pk=carcassonne.pk)
    with django_assert_num_queries(3):
        result = portrait(quartier=quartier, user=agent_agglo)
    assert len(result.lignes) == 7


def test_the_page_shows_the_tables_the_charts_and_the_map(client, carcassonne, lecteur):
    carcassonne.perimetre = {
        "type": "Polygon",
        "coordinates": [[[2.36, 43.20], [2.37, 43.20], [2.37, 43.21], [2.36, 43.20]]],
    }
    carcassonne.perimetre_note = "Approximation : rectangle englobant."
    carcassonne.save()
    client.force_login(lecteur)

    response = client.get(reverse("quartiers:portrait", args=[carcassonne.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Portrait de La Conte</h1>" in html
    assert f"+34{NBSP}pts" in html and "L&#x27;écart se creuse" in html
    assert '<abbr title="secret statistique">s</abbr>' in html
    assert 'id="portrait-graphiques"' in html and 'id="perimetres-geojson"' in html
    assert "Périmètre approximatif : Approximation : rectangle englobant." in html
    assert "js/portrait.js" in html and "js/perimetre.js" in html
    # Readers do not write the guidelines.
    assert "Écrire les lignes directrices" not in html


def test_the_list_shows_the_quartiers_of_the_contract(client, carcassonne, lecteur):
    QuartierFactory(nom="Ailleurs", contrat=factories.ContratFactory())
    client.force_login(lecteur)

    response = client.get(reverse("quartiers:quartier_list"))

    html = response.content.decode()
    assert "La Conte" in html and "Ailleurs" not in html
    assert f"61{PCT}" in html and f"12{NARROW_NBSP}130{NBSP}€" in html
    assert f"2{NARROW_NBSP}525" in html


@pytest.mark.parametrize("name", ["quartiers:portrait", "quartiers:quartier_list"])
def test_anonymous_users_are_sent_to_sign_in(client, carcassonne, name):
    args = [carcassonne.pk] if name == "quartiers:portrait" else []
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and "/connexion/" in response["Location"]


@pytest.mark.parametrize("persona", ["agent_autre_contrat", "porteur", "outsider"])
def test_users_outside_the_contract_get_a_404(client, carcassonne, persona, request):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("quartiers:portrait", args=[carcassonne.pk])
    assert client.get(url).status_code == 404
    edit = reverse("quartiers:ligne_directrice_edit", args=[carcassonne.pk, 2026])
    assert client.get(edit).status_code == 404


def test_the_workbook_has_one_sheet_per_quartier_with_numbers_and_s(
    client, carcassonne, agent_agglo
):
    QuartierFactory(contrat=carcassonne.contrat, nom="Viguier", code="QP011003")
    client.force_login(agent_agglo)

    response = client.get(reverse("quartiers:portraits_excel"))

    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["La Conte", "Viguier"]
    sheet = workbook["La Conte"]
    assert [c.value for c in sheet[1]][:7] == [
        "Thème", "Indicateur", "Source", "Millésime", "La Conte", "Carcassonne", "Agglo",
    ]  # fmt: skip
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    pauvrete = rows["Taux de pauvreté"]
    # 61 % as a fraction in a percent format; previous vintage 2015: 55 %; gaps in points.
    assert [c.value for c in pauvrete[3:11]] == [2019, 0.61, 0.27, 0.21, 2015, 0.55, 34, 40]
    assert pauvrete[4].number_format == "0.0%"
    assert pauvrete[11].value == "L'écart se creuse"
    revenu = rows["Revenu médian"]
    assert (revenu[4].value, revenu[6].value, revenu[9].value) == (12130, "—", -5980)
    assert "€" in revenu[4].number_format
    familles = rows["Familles monoparentales"]
    assert (familles[4].value, familles[9].value) == ("s", "—")
    # Viguier has no figures: its sheet holds only the header.
    assert workbook["Viguier"].max_row == 1


def edit_url(quartier, annee=2025):
    return reverse("quartiers:ligne_directrice_edit", args=[quartier.pk, annee])


def test_the_team_writes_the_guidelines_of_a_year_and_rewrites_them(
    client, carcassonne, agent_agglo
):
    pilier = factories.PilierFactory(contrat=carcassonne.contrat, nom="Cohésion sociale")
    client.force_login(agent_agglo)

    response = client.post(edit_url(carcassonne), {"pilier": "", "enjeux": "Décrochage"})
    assert response.status_code == 302
    assert response["Location"].endswith("?annee=2025#lignes-directrices")
    client.post(edit_url(carcassonne), {"pilier": pilier.pk, "lignes_directrices": "Médiation"})
    client.post(edit_url(carcassonne), {"pilier": "", "enjeux": "Décrochage scolaire"})
    client.post(edit_url(carcassonne, 2024), {"pilier": "", "enjeux": "Tranquillité"})

    rows = LigneDirectrice.objects.all()
    assert {(r.annee, r.pilier, r.enjeux or r.lignes_directrices) for r in rows} == {
        (2024, None, "Tranquillité"),
        (2025, pilier, "Médiation"),
        (2025, None, "Décrochage scolaire"),
    }
    assert rows[0].auteur == agent_agglo
    page = client.get(reverse("quartiers:portrait", args=[carcassonne.pk])).content.decode()
    # The latest year, with a selector of the earlier ones.
    assert "Enjeux et lignes directrices 2025" in page
    assert "Décrochage scolaire" in page and "Tranquillité" not in page
    assert '<option value="2024">2024</option>' in page
    older = client.get(reverse("quartiers:portrait", args=[carcassonne.pk]), {"annee": 2024})
    assert "Tranquillité" in older.content.decode()


def test_the_guidelines_form_says_what_is_wrong_in_french(client, carcassonne, agent_agglo):
    ailleurs = factories.PilierFactory(nom="Pilier d'un autre contrat")
    client.force_login(agent_agglo)

    empty = client.post(edit_url(carcassonne), {"pilier": "", "enjeux": "  "})
    assert "Renseignez les enjeux ou les lignes directrices." in empty.content.decode()
    foreign = client.post(edit_url(carcassonne), {"pilier": ailleurs.pk, "enjeux": "x"})
    assert "Choisissez un pilier du contrat du quartier." in foreign.content.decode()
    long = client.post(edit_url(carcassonne), {"pilier": "", "enjeux": "x" * 5001})
    assert "Ce texte dépasse 5000 caractères (5001) : résumez-le." in long.content.decode()
    assert client.get(edit_url(carcassonne, 1999)).status_code == 404
    assert not LigneDirectrice.objects.exists()


def test_readers_of_the_contract_cannot_write_the_guidelines(client, carcassonne, lecteur):
    client.force_login(lecteur)
    assert client.get(edit_url(carcassonne)).status_code == 403
    assert client.post(edit_url(carcassonne), {"enjeux": "x"}).status_code == 403
    assert not LigneDirectrice.objects.exists()


# The final evaluation's 2019 poverty rates and median incomes (€) per 2015 QPV.
RAPPORT = {
    "QP011004": ("39", "14\u202f830"),
    "QP011002": ("61", "12\u202f130"),
    "QP011003": ("65", "11\u202f680"),
    "QP011005": ("59", "12\u202f320"),
    "QP011006": ("52", "12\u202f990"),
}


def test_the_demo_portraits_show_the_report_figures(client, superuser, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=StringIO())
    client.force_login(superuser)
    for code, (taux, revenu) in RAPPORT.items():
        quartier = Quartier.objects.get(code=code)
        html = client.get(reverse("quartiers:portrait", args=[quartier.pk])).content.decode()
        pauvrete = html.split('data-indicateur="taux_pauvrete">', 1)[1].split("</tr>", 1)[0]
        # The quartier, then Carcassonne (27 %) and the agglomeration (21 %), in 2019.
        cells = [cell.split("<", 1)[0] for cell in pauvrete.split('<td class="number">')]
        assert cells[:3] == [f"{taux}{PCT}", f"27{PCT}", f"21{PCT}"], code
        assert f'data-indicateur="revenu_median">{revenu}{NBSP}€' in html, code


def test_the_api_answers_the_same_portrait(client, carcassonne, lecteur, agent_autre_contrat):
    url = f"/api/v1/quartiers/quartiers/{carcassonne.pk}/portrait/"
    assert client.get(url).status_code in (401, 403)
    client.force_login(lecteur)

    data = client.get(url).json()

    assert (data["nom"], data["population"]) == ("La Conte", 2525)
    indicateurs = {i["code"]: i for i in data["indicateurs"]}
    pauvrete = indicateurs["taux_pauvrete"]
    assert pauvrete["valeur"]["valeur"] == "61.000"
    assert pauvrete["precedente"]["millesime"] == 2015
    commune, epci = pauvrete["references"]
    assert (commune["nom"], commune["valeur"]["valeur"], commune["ecart"]["valeur"]) == (
        "Carcassonne",
        "27.000",
        "34.000",
    )
    assert (epci["kind"], epci["ecart"]["tendance"]) == ("epci", "creuse")
    secret = indicateurs["familles_monoparentales"]["valeur"]
    assert (secret["valeur"], secret["secret"], secret["texte"]) == (None, True, "s")
    client.force_login(agent_autre_contrat)
    assert client.get(url).status_code == 404


def test_the_list_locks_its_query_count(client, carcassonne, lecteur, django_assert_num_queries):
    client.force_login(lecteur)
    url = reverse("quartiers:quartier_list")
    client.get(url)  # warms the session's contract choice
    # 1 session, 2 user, 3 user's roles, 4 current contract, 5-8 the gaps selector
    # (quartiers with their territories, the quartiers they replace, the two key indicators,
    # their values), 9 contracts of the switcher, 10 user's organisation (header).
    with django_assert_num_queries(10):
        assert len(client.get(url).context["lignes"]) == 1
    for nom in ("Grazailles", "Fleming"):
        QuartierFactory(nom=nom, contrat=carcassonne.contrat)
    with django_assert_num_queries(10):
        assert len(client.get(url).context["lignes"]) == 3
