"""The contract dashboard: each figure is its module's figure for the same filters (read
through the module's own page), a few numbers added up by hand, the filters and their
French errors, the links to the pages behind the figures, permissions and a bounded
number of queries.

The programmation is the dataset of tests/programmation/test_bilan.py (figures by hand in
its docstring: 2024–2025, 4 funded actions, 29 500,50 € of specific credits, 1 renewal).
Added here:
  GUP    La Conte: reported 02/03/2025 resolved 06/03/2025 (4 days); reported 01/06/2025,
         open, due 15/06/2025 (overdue). Ozanam: reported 10/09/2024, open, no due date.
  TFPB   Habitat Audois, La Conte: abatement 2025 10 000 €, an action realised 6 000 €.
  PRE    5 children of La Conte, 3 entered in 2024, 2 in 2025 (file active 2024: 3, 2025: 5;
         entries 2025: 2, masked « < 3 » as on the PRE page).
  CitésLab 4 people first met in 2025 (touchés 4).
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cdv.enums import RoleCode
from cdv.selectors_pilotage import tableau_de_bord
from gup.enums import EtatSignalement
from gup.models import AbattementTFPB, ActionTFPB, AxeTFPB, PatrimoineTFPB
from pre.enums import EtatParcours
from pre.models import Parcours
from programmation import selectors
from programmation.models import Action
from tests import factories
from tests.citeslab.factories import BeneficiaireFactory
from tests.gup.factories import CategorieFactory, ConventionTFPBFactory, SignalementFactory
from tests.pre.factories import EnfantFactory, ReperageFactory
from tests.programmation.factories import ActionFactory, AppelFactory, ConventionFactory
from tests.programmation.test_bilan import _finance, build_dataset

pytestmark = pytest.mark.django_db
D = Decimal
URL = reverse("tableau_de_bord")
PERIODE = {"annee_min": 2024, "annee_max": 2025}
AUJOURD_HUI = datetime.date(2026, 5, 11)
UTC = datetime.UTC


def le(annee, mois, jour):
    return datetime.datetime(annee, mois, jour, 10, tzinfo=UTC)


@pytest.fixture
def jeu(contrat, autre_contrat, bailleur):
    jeu = build_dataset(contrat, autre_contrat)
    conte, ozanam = jeu["la_conte"], jeu["ozanam"]
    # The medication action (A4) awaits its bilan since 31/03/2026.
    jeu["appel_2025"].date_limite_bilan = datetime.date(2026, 3, 31)
    jeu["appel_2025"].save()

    categorie = CategorieFactory(contrat=contrat, code="proprete", libelle="Propreté", ordre=1)
    SignalementFactory(
        quartier=conte, categorie=categorie, organisation_responsable=bailleur,
        etat=EtatSignalement.RESOLU, signale_le=le(2025, 3, 2), echeance=datetime.date(2025, 3, 17),
        resolu_le=le(2025, 3, 6),
    )  # fmt: skip
    SignalementFactory(
        quartier=conte, categorie=categorie, organisation_responsable=bailleur,
        etat=EtatSignalement.TRANSMIS, signale_le=le(2025, 6, 1),
        echeance=datetime.date(2025, 6, 15),
    )  # fmt: skip
    SignalementFactory(
        quartier=ozanam, categorie=categorie, organisation_responsable=bailleur,
        etat=EtatSignalement.NOUVEAU, signale_le=le(2024, 9, 10), echeance=None,
    )  # fmt: skip

    convention = ConventionTFPBFactory(contrat=contrat, bailleur=bailleur)
    PatrimoineTFPB.objects.create(convention=convention, quartier=conte, nb_logements=300)
    AbattementTFPB.objects.create(
        convention=convention, quartier=conte, annee=2025, montant=D(10000)
    )
    ActionTFPB.objects.create(
        convention=convention, quartier=conte, annee=2025, axe=AxeTFPB.objects.order_by("pk")[0],
        intitule="Nettoyage des halls", montant_prevu=D(7000), montant_realise=D(6000),
    )  # fmt: skip

    for entree in [(2024, 2, 1), (2024, 5, 1), (2024, 9, 1), (2025, 1, 15), (2025, 3, 1)]:
        enfant = EnfantFactory(contrat=contrat, quartier=conte)
        Parcours.objects.create(
            enfant=enfant, reperage=ReperageFactory(enfant=enfant), etat=EtatParcours.ACTIF,
            date_entree=datetime.date(*entree),
        )  # fmt: skip

    for jour in range(1, 5):
        BeneficiaireFactory(contrat=contrat, date_premier_contact=datetime.date(2025, 2, jour))
    return jeu


def page(client, user, **params):
    client.force_login(user)
    response = client.get(URL, {**PERIODE, **params})
    assert response.status_code == 200
    return response


# ---------------------------------------------------------------------------------------
# Figures by hand
# ---------------------------------------------------------------------------------------


def test_it_adds_up_the_programmation_by_hand(jeu, contrat, agent_agglo):
    tableau = tableau_de_bord(
        user=agent_agglo, contrat=contrat, annees=range(2024, 2026), today=AUJOURD_HUI
    )
    assert [a.credits_specifiques for a in tableau.bilan.annees] == [D("15000.00"), D("14500.50")]
    assert [a.nb_actions for a in tableau.bilan.annees] == [2, 2]
    assert tableau.bilan.totaux.credits_specifiques == D("29500.50")
    # 1 renewal (A3) among 4 funded actions.
    assert tableau.part_reconductions == D("0.2500")
    assert [(p.nom, p.nb_actions, p.credits_specifiques) for p in tableau.piliers] == [
        ("Cohésion sociale", 3, D("24500.50")),
        ("Emploi", 1, D("5000.00")),
    ]
    assert [(q.nom, q.nb_actions, q.credits_specifiques) for q in tableau.quartiers] == [
        ("La Conte", 3, D("25000.00")),
        ("Ozanam", 1, D("2000.00")),
    ]
    assert [(f.nom, f.total_accorde) for f in tableau.bilan.financeurs] == [
        ("Préfecture de l'Aude", D("29500.50")),
        ("Département de l'Aude", D("7000.00")),
    ]
    # A4 (2025) awaits its bilan since 31/03/2026: 41 days late on 11/05/2026.
    assert [(r.action.intitule, r.jours_de_retard) for r in tableau.bilans_en_retard] == [
        ("Médiation", 41)
    ]
    total = tableau.gup.statistiques.total
    assert (total.recus, total.resolus, total.ouverts, total.en_retard) == (3, 1, 2, 1)
    assert total.mediane == D("4")
    assert [(e.annee, e.abattement, e.realise) for e in tableau.gup.tfpb_evolution] == [
        (2025, D("10000"), D("6000"))
    ]
    assert tableau.pre.actifs == [3, 5]
    assert tableau.pre.entrees == [3, "< 3"]
    assert tableau.citeslab.etape("touches") == 4


def test_the_page_shows_the_figures_in_french(jeu, client, agent_agglo):
    html = page(client, agent_agglo).content.decode()
    for texte in [
        "29\u202f500,50\u00a0€",  # specific credits of the period
        "25,00\u00a0%",  # renewal share
        "23,73\u00a0%",  # co-funding ratio: 7 000 / 29 500,50
        "Médiation",  # late bilan
        "4,0",  # GUP median processing time in days
        "10\u202f000,00\u00a0€",  # TFPB abatement 2025
        "Personnes touchées",
    ]:
        assert texte in html, texte


# ---------------------------------------------------------------------------------------
# Each figure is the module's figure for the same filters
# ---------------------------------------------------------------------------------------


def test_the_programmation_equals_the_bilan_physico_financier_page(jeu, client, agent_agglo):
    tableau = page(client, agent_agglo).context["tableau"]
    bilan_page = client.get(reverse("programmation:bilan"), PERIODE).context["bilan"]
    assert tableau.bilan == bilan_page
    assert tableau.bilans_en_retard is not None
    retards_page = client.get(reverse("programmation:bilans_en_retard")).context["retards"]
    # The late-bilans page lists every year; the dashboard those of 2024–2025.
    assert [r.action.pk for r in tableau.bilans_en_retard] == [
        r.action.pk for r in retards_page if 2024 <= r.action.appel.annee <= 2025
    ]


def test_the_late_payments_equal_their_page(jeu, contrat, client, agent_agglo):
    signee = timezone.localdate() - datetime.timedelta(days=100)
    dans_la_periode = Action.objects.filter(appel__contrat=contrat, appel__annee=2024).first()
    en_retard = ConventionFactory(action=dans_la_periode, date_signature=signee)
    tableau = page(client, agent_agglo).context["tableau"]
    retards_page = client.get(reverse("programmation:versements_en_retard")).context["retards"]
    # Nothing paid 100 days after the signature: 40 days past the 60 allowed.
    assert [(r.convention, r.jours_de_retard) for r in tableau.versements_en_retard] == [
        (en_retard, 40)
    ]
    assert [r.convention for r in retards_page] == [en_retard]


def test_the_gup_tfpb_pre_and_citeslab_equal_their_pages(jeu, client, agent_agglo):
    tableau = page(client, agent_agglo).context["tableau"]
    stats = client.get(reverse("gup:stats"), {"annee": [2024, 2025]}).context["stats"]
    assert tableau.gup.statistiques.total == stats.total
    assert tableau.gup.statistiques.evolution == stats.evolution
    tfpb = client.get(reverse("gup:tfpb_bilan"), {"annee": 2025}).context["bilan"]
    assert tableau.gup.tfpb_evolution == tfpb.evolution
    pre = client.get(reverse("pre:stats"), {"debut": 2024, "fin": 2025}).context["stats"]
    assert tableau.pre.actifs == pre.repartition("quartier").total.valeurs["actifs"]
    rapport = client.get(
        reverse("citeslab:rapport"), {"debut": "01/01/2024", "fin": "31/12/2025"}
    ).context["rapport"]
    assert tableau.citeslab.entonnoir == rapport.entonnoir


def test_the_quartier_filter_reaches_every_module_that_supports_it(jeu, client, agent_agglo):
    conte = jeu["la_conte"]
    tableau = page(client, agent_agglo, quartier=conte.pk).context["tableau"]
    assert [q.nom for q in tableau.quartiers] == ["La Conte"]
    stats = client.get(reverse("gup:stats"), {"annee": [2024, 2025], "quartier": conte.pk})
    assert tableau.gup.statistiques.total == stats.context["stats"].total
    assert tableau.gup.statistiques.total.recus == 2  # Ozanam's problem left out
    assert tableau.gup.tfpb_quartier.abattement == D("10000")
    pre = client.get(reverse("pre:stats"), {"debut": 2024, "fin": 2025}).context["stats"]
    ligne = next(li for li in pre.repartition("quartier").lignes if li.libelle == "La Conte")
    assert tableau.pre.actifs == ligne.valeurs["actifs"] == [3, 5]
    # A4 has no quartier: no late bilan in La Conte.
    assert tableau.bilans_en_retard == []


def test_the_pillar_filter_keeps_its_row_and_its_late_bilans(jeu, client, agent_agglo):
    tableau = page(client, agent_agglo, pilier=jeu["emploi"].pk).context["tableau"]
    assert [(p.nom, p.nb_actions) for p in tableau.piliers] == [("Emploi", 1)]
    assert tableau.bilans_en_retard == []  # A4 is in Cohésion sociale
    tableau = page(client, agent_agglo, pilier=jeu["cohesion"].pk).context["tableau"]
    assert [r.action.intitule for r in tableau.bilans_en_retard] == ["Médiation"]


def test_partners_read_masked_counts_and_no_late_bilans(jeu, contrat, client, lecteur):
    # One child only enters in 2026: masked on the PRE page, masked here.
    enfant = EnfantFactory(contrat=contrat, quartier=jeu["la_conte"])
    Parcours.objects.create(
        enfant=enfant, reperage=ReperageFactory(enfant=enfant), etat=EtatParcours.ACTIF,
        date_entree=datetime.date(2026, 2, 1),
    )  # fmt: skip
    BeneficiaireFactory(contrat=contrat, date_premier_contact=datetime.date(2026, 2, 1))
    response = page(client, lecteur, annee_min=2026, annee_max=2026)
    tableau = response.context["tableau"]
    assert tableau.pre.entrees == ["< 3"]
    assert tableau.pre.actifs == [6]
    assert tableau.citeslab.masque
    assert tableau.citeslab.etape("touches") == "< 3"
    assert tableau.bilans_en_retard is None and tableau.versements_en_retard is None
    assert "Bilans en retard" not in response.content.decode()
    assert tableau.bilan == selectors.bilan_physico_financier(
        contrat=contrat, annee_min=2026, annee_max=2026, user=lecteur
    )


# ---------------------------------------------------------------------------------------
# Links, filters, errors
# ---------------------------------------------------------------------------------------


def test_each_figure_links_to_the_page_behind_it_with_the_filters(jeu, client, agent_agglo):
    conte = jeu["la_conte"]
    response = page(client, agent_agglo, quartier=conte.pk, pilier=jeu["cohesion"].pk)
    liens = response.context["liens"]
    html = response.content.decode()
    (annee_2024, lien_2024, reconductions_2024), _ = liens["annees"]
    assert annee_2024.annee == 2024
    assert lien_2024.startswith(reverse("programmation:action_list") + "?")
    assert "annee=2024" in lien_2024
    assert f"quartier={conte.pk}" in lien_2024
    assert f"pilier={jeu['cohesion'].pk}" in lien_2024
    assert "nouveaute=reconduction" in reconductions_2024
    assert liens["bilan"] == reverse("programmation:bilan") + "?annee_min=2024&annee_max=2025"
    assert (
        liens["gup_stats"] == reverse("gup:stats") + f"?annee=2024&annee=2025&quartier={conte.pk}"
    )
    assert liens["pre"] == reverse("pre:stats") + "?debut=2024&fin=2025"
    for lien in [liens["bilan"], liens["gup_stats"], liens["citeslab"]]:
        assert f'href="{lien.replace("&", "&amp;")}"' in html


def test_the_programming_table_behind_a_year_counts_its_actions(jeu, client, agent_agglo):
    liens = page(client, agent_agglo).context["liens"]
    for ligne, lien, _ in liens["annees"]:
        selection = client.get(lien).context["selection"]
        assert selection.actions.count() == ligne.nb_actions


def test_the_period_defaults_to_the_contract_years_so_far(jeu, client, agent_agglo):
    client.force_login(agent_agglo)
    tableau = client.get(URL).context["tableau"]
    assert tableau.annee_min == 2024
    assert tableau.annee_max == min(2030, datetime.date.today().year)


@pytest.mark.parametrize(
    ("params", "champ", "message"),
    [
        ({"annee_min": 2020}, "annee_min",
         "L'année doit appartenir à la période du contrat (2024–2030)."),
        ({"annee_min": 2026, "annee_max": 2025}, "annee_max",
         "L'année de fin ne peut précéder l'année de début."),
        ({"annee_min": "deux mille"}, "annee_min", "Indiquez une année (exemple : 2024)."),
        ({"quartier": 999999}, "quartier", "Choisissez un quartier de la liste."),
        ({"pilier": 999999}, "pilier", "Choisissez un pilier de la liste."),
    ],
)  # fmt: skip
def test_wrong_filters_are_explained_in_french(
    contrat, client, agent_agglo, params, champ, message
):
    client.force_login(agent_agglo)
    response = client.get(URL, {**PERIODE, **params})
    assert response.status_code == 200
    assert response.context["form"].errors[champ] == [message]
    assert response.context.get("tableau") is None
    assert "Corrigez les filtres" in response.content.decode()


def test_a_quartier_of_another_contract_is_refused(jeu, client, agent_agglo, autre_contrat):
    from tests.programmation.factories import QuartierFactory

    ailleurs = QuartierFactory(contrat=autre_contrat, nom="Saint-Jean")
    client.force_login(agent_agglo)
    response = client.get(URL, {**PERIODE, "quartier": ailleurs.pk})
    assert response.context["form"].errors["quartier"] == ["Choisissez un quartier de la liste."]


# ---------------------------------------------------------------------------------------
# Who opens it
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["agent_agglo", "partenaire_etat", "lecteur", "superuser"])
def test_the_team_partners_and_superusers_open_it(contrat, client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize("persona", ["porteur", "outsider", "referent_pre", "coordinateur_gup"])
def test_others_are_refused(contrat, client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_another_contract_team_sees_its_own_contract_only(jeu, client, agent_autre_contrat):
    response = page(client, agent_autre_contrat)
    tableau = response.context["tableau"]
    assert tableau.contrat == agent_autre_contrat.contrats.get()
    html = response.content.decode()
    assert "Contrat de ville de Carcassonne Agglo" not in html
    assert "La Conte" not in html
    assert "Médiation" not in html
    # The other contract's funded action (État 50 000 in 2025) is its own figure.
    assert tableau.bilan.totaux.credits_specifiques == D("50000.00")


def test_a_user_following_no_contract_is_told_so(client):
    user = factories.UserFactory(roles=[RoleCode.LECTEUR_PARTENAIRE])
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Vous ne suivez aucun contrat" in response.content.decode()


# ---------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------

# The page's queries for the admin PDV, by group (none grows with the number of rows):
#   3  authentication: session, user, its roles
#   1  the current contract
#   5  bilan physico-financier: per year, overall, per pillar, per quartier, per funder
#   1  late bilans
#   1  late payments
#   3  quartier gaps: quartiers, the quartiers they replace (one query per earlier
#      geography found), the catalogue (the values: none while the catalogue is empty)
#   7  GUP statistics: category × quartier × state, by body (2), by year (2), total (2)
#   4  TFPB bilan: axes, abatements, actions, the landlords of the year
#  10  PRE: the reader's contracts (the dashboard's check, then the selector's), its
#      masking threshold, 7 breakdowns
#   6  CitésLab: the reader's contracts (the dashboard's check, then the report's), the
#      quartiers, the funnel cube, the events, the masking threshold
#   4  template: the contract switcher, the user's organisation, the quartier and pillar
#      choices of the filters
QUERIES = 45


def test_the_page_reads_a_bounded_number_of_queries(
    jeu, contrat, client, agent_agglo, django_assert_num_queries
):
    client.force_login(agent_agglo)
    with django_assert_num_queries(QUERIES):
        client.get(URL, PERIODE)
    # Twice the actions: the same number of queries.
    for n in range(5):
        action = ActionFactory(
            appel=AppelFactory(contrat=contrat, annee=2025),
            etat="programmee",
            pilier=jeu["cohesion"],
            porteur=jeu["porteur"],
            intitule=f"Action {n}",
        )
        _finance(action, jeu["etat"], "1000")
    with django_assert_num_queries(QUERIES):
        client.get(URL, PERIODE)
