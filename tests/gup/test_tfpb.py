"""The TFPB abatement: the bilan on hand-computed figures, the services' rules (period,
quartiers of the dwellings), scoping by role, the workbook opened back and the API."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cdv.enums import RoleCode
from gup import selectors_tfpb, services_tfpb
from gup.models import AbattementTFPB, ActionTFPB, AxeTFPB, ConventionTFPB, PatrimoineTFPB
from tests import factories
from tests.gup.factories import ConventionTFPBFactory, DiagnosticFactory
from tests.programmation.factories import QuartierFactory

pytestmark = pytest.mark.django_db
D = Decimal


def axe(code):
    return AxeTFPB.objects.get(code=code)


def action(convention, quartier, annee, code_axe, prevu, realise, intitule="Action"):
    return ActionTFPB.objects.create(
        convention=convention, quartier=quartier, annee=annee, axe=axe(code_axe),
        intitule=intitule, montant_prevu=D(prevu),
        montant_realise=None if realise is None else D(realise),
    )  # fmt: skip


class Jeu:
    """Two landlords, two quartiers, two years (figures of the tests below)."""


@pytest.fixture
def jeu(contrat, bailleur):
    j = Jeu()
    j.contrat = contrat
    j.conte = QuartierFactory(contrat=contrat, nom="La Conte")
    j.viguier = QuartierFactory(contrat=contrat, nom="Le Viguier")
    j.alogea = factories.OrganisationFactory(bailleur=True, nom="Alogéa")
    j.habitat = ConventionTFPBFactory(contrat=contrat, bailleur=bailleur)
    j.autre = ConventionTFPBFactory(contrat=contrat, bailleur=j.alogea)
    PatrimoineTFPB.objects.create(convention=j.habitat, quartier=j.conte, nb_logements=300)
    PatrimoineTFPB.objects.create(convention=j.habitat, quartier=j.viguier, nb_logements=200)
    PatrimoineTFPB.objects.create(convention=j.autre, quartier=j.conte, nb_logements=100)
    for convention, quartier, annee, montant in [
        (j.habitat, j.conte, 2024, 10000),
        (j.habitat, j.viguier, 2024, 5000),
        (j.habitat, j.conte, 2025, 12000),
        (j.habitat, j.viguier, 2025, 6000),
        (j.autre, j.conte, 2024, 4000),
        (j.autre, j.conte, 2025, 4000),
    ]:
        AbattementTFPB.objects.create(
            convention=convention, quartier=quartier, annee=annee, montant=D(montant)
        )
    action(j.habitat, j.conte, 2025, "3", 8000, 7000, "Nettoyage renforcé des halls")
    action(j.habitat, j.viguier, 2025, "7", 5000, 3000, "Jardin partagé")
    j.sans_realise = action(j.habitat, j.conte, 2025, "3", 2000, None, "Enlèvement des tags")
    action(j.autre, j.conte, 2025, "5", 4000, 5000, "Médiation de nuit")
    action(j.habitat, j.conte, 2024, "1", 9000, 9000, "Gardien supplémentaire")
    action(j.autre, j.conte, 2024, "6", 3000, 2000, "Réunions de locataires")
    return j


@pytest.fixture
def intervenant_alogea(jeu):
    return factories.UserFactory(
        email="agent@alogea.fr", organisation=jeu.alogea, roles=[RoleCode.INTERVENANT_GUP]
    )


def parts(ligne):
    return {p.axe.code: (p.realise, p.part) for p in ligne.axes if p.realise}


# The bilan -------------------------------------------------------------------------------


def test_it_computes_the_bilan_of_a_year_per_landlord_quartier_and_axis(jeu, coordinateur_gup):
    bilan = selectors_tfpb.bilan_tfpb(user=coordinateur_gup, contrat=jeu.contrat, annee=2025)

    assert bilan.annees == [2024, 2025]
    alogea, habitat = bilan.par_bailleur
    assert habitat.libelle == "Habitat Audois"
    assert (habitat.abattement, habitat.prevu, habitat.realise) == (D(18000), D(15000), D(10000))
    assert habitat.ratio == D("55.6")  # 10 000 / 18 000
    # The action without a realised amount counts 0 realised, and is counted apart.
    assert (habitat.nb_actions, habitat.non_renseignes) == (3, 1)
    assert parts(habitat) == {"3": (D(7000), D("70.0")), "7": (D(3000), D("30.0"))}
    assert (alogea.abattement, alogea.prevu, alogea.realise) == (D(4000), D(4000), D(5000))
    assert alogea.ratio == D("125.0")
    assert (alogea.non_renseignes, parts(alogea)) == (0, {"5": (D(5000), D("100.0"))})

    conte, viguier = bilan.par_quartier
    assert (conte.libelle, conte.abattement, conte.prevu, conte.realise) == (
        "La Conte", D(16000), D(14000), D(12000),
    )  # fmt: skip
    assert conte.ratio == D("75.0")
    assert parts(conte) == {"3": (D(7000), D("58.3")), "5": (D(5000), D("41.7"))}
    assert (viguier.abattement, viguier.realise, viguier.ratio) == (D(6000), D(3000), D("50.0"))

    total = bilan.total
    assert (total.abattement, total.prevu, total.realise) == (D(22000), D(19000), D(15000))
    assert total.ratio == D("68.2")
    assert parts(total) == {
        "3": (D(7000), D("46.7")),
        "5": (D(5000), D("33.3")),
        "7": (D(3000), D("20.0")),
    }
    # The framework's 8 axes, in order, on every row.
    assert [p.axe.code for p in total.axes] == [str(n) for n in range(1, 9)]
    assert [(e.annee, e.abattement, e.realise) for e in bilan.evolution] == [
        (2024, D(19000), D(11000)),
        (2025, D(22000), D(15000)),
    ]
    assert bilan.graphique()["series"][1] == {"label": "Réalisé", "data": [11000.0, 15000.0]}


def test_the_bilan_defaults_to_the_latest_year(jeu, lecteur):
    assert selectors_tfpb.bilan_tfpb(user=lecteur, contrat=jeu.contrat).annee == 2025


def test_a_landlord_reads_the_bilan_of_its_own_data(jeu, intervenant_gup):
    bilan = selectors_tfpb.bilan_tfpb(user=intervenant_gup, contrat=None, annee=2025)

    assert [ligne.libelle for ligne in bilan.par_bailleur] == ["Habitat Audois"]
    assert (bilan.total.abattement, bilan.total.realise) == (D(18000), D(10000))
    assert [(e.annee, e.abattement) for e in bilan.evolution] == [
        (2024, D(15000)),
        (2025, D(18000)),
    ]


def test_the_bilan_reads_in_four_queries_whatever_the_rows(
    jeu, coordinateur_gup, django_assert_num_queries
):
    coordinateur_gup.has_role(RoleCode.COORDINATEUR_GUP)  # the roles, read once per request
    # Axes, abatements grouped, actions grouped, the landlords whose convention covers the year.
    with django_assert_num_queries(4):
        selectors_tfpb.bilan_tfpb(user=coordinateur_gup, contrat=jeu.contrat, annee=2025)
    for n in range(5):
        action(jeu.autre, jeu.conte, 2025, "8", 100, 100, f"Éclairage {n}")
    with django_assert_num_queries(4):
        selectors_tfpb.bilan_tfpb(user=coordinateur_gup, contrat=jeu.contrat, annee=2025)


def test_the_convention_detail_groups_its_actions_by_year_and_axis(jeu, coordinateur_gup):
    detail = selectors_tfpb.convention_detail(convention=jeu.habitat, user=coordinateur_gup)

    assert detail.nb_logements == 500
    assert [q.nom for q in detail.quartiers] == ["La Conte", "Le Viguier"]
    assert detail.grille[0] == (2024, [D(10000), D(5000)], D(15000))
    assert detail.grille[2] == (2026, [None, None], D(0))
    assert detail.totaux_quartiers == [D(22000), D(11000)]
    annee_2025 = detail.annees[1]
    assert [(g.axe.code, len(g.actions), g.realise) for g in annee_2025.groupes] == [
        ("3", 2, D(7000)),
        ("7", 1, D(3000)),
    ]
    assert (annee_2025.abattement, annee_2025.realise, annee_2025.non_renseignes) == (
        D(18000), D(10000), 1,
    )  # fmt: skip
    assert (detail.total_abattement, detail.total_realise) == (D(33000), D(19000))


# The services' rules ---------------------------------------------------------------------


def test_the_year_must_be_in_the_period_and_the_quartier_one_of_the_dwellings(
    jeu, coordinateur_gup
):
    hors = QuartierFactory(contrat=jeu.contrat, nom="Grazailles")
    with pytest.raises(ValidationError) as exc:
        services_tfpb.action_save(
            user=coordinateur_gup, convention=jeu.autre, quartier_id=jeu.viguier.pk,
            annee=2031, axe=axe("3"), intitule="Hors période", montant_prevu=D(10),
        )  # fmt: skip
    assert exc.value.message_dict == {
        "annee": ["L'année doit être comprise dans la période de la convention (2024-2030)."],
        "quartier": [services_tfpb.QUARTIER_HORS_PATRIMOINE],
    }
    with pytest.raises(ValidationError) as exc:
        services_tfpb.abattements_save(
            user=coordinateur_gup, convention=jeu.autre, annee=2025, montants={hors.pk: D(1)}
        )
    assert exc.value.message_dict == {
        f"montant_{hors.pk}": [services_tfpb.QUARTIER_HORS_PATRIMOINE]
    }
    assert ActionTFPB.objects.filter(intitule="Hors période").count() == 0
    assert not AbattementTFPB.objects.filter(quartier=hors).exists()


def test_a_period_shrinking_below_entered_years_is_refused(jeu, coordinateur_gup):
    with pytest.raises(ValidationError) as exc:
        services_tfpb.convention_save(
            user=coordinateur_gup, contrat=jeu.contrat, convention=jeu.habitat,
            bailleur=jeu.habitat.bailleur, annee_debut=2025, annee_fin=2030,
        )  # fmt: skip
    assert exc.value.message_dict["annee_debut"] == [
        "Des abattements ou des actions sont saisis en 2024 : la convention doit couvrir "
        "cette année."
    ]
    jeu.habitat.refresh_from_db()
    assert jeu.habitat.annee_debut == 2024


def test_dwellings_stay_where_entries_exist(jeu, coordinateur_gup):
    with pytest.raises(ValidationError) as exc:
        services_tfpb.patrimoine_save(
            user=coordinateur_gup, convention=jeu.habitat, logements={jeu.viguier: None}
        )
    assert f"logements_{jeu.viguier.pk}" in exc.value.message_dict
    assert jeu.habitat.patrimoine.count() == 2


@pytest.mark.parametrize(
    "persona, convention, peut",
    [
        ("coordinateur_gup", "habitat", True),
        ("intervenant_gup", "habitat", True),
        ("intervenant_gup", "autre", False),
        ("intervenant_alogea", "habitat", False),
        ("lecteur", "habitat", False),
        ("agent_agglo", "habitat", False),
    ],
)
def test_who_enters_abatements_and_actions(jeu, request, persona, convention, peut):
    user = request.getfixturevalue(persona)
    convention = getattr(jeu, convention)
    quartier = convention.patrimoine.first().quartier

    def saisir():
        services_tfpb.abattements_save(
            user=user, convention=convention, annee=2026, montants={quartier.pk: D(100)}
        )

    if peut:
        saisir()
        assert convention.abattements.get(annee=2026).montant == D(100)
    else:
        with pytest.raises(PermissionDenied):
            saisir()
        assert not convention.abattements.filter(annee=2026).exists()


def test_only_the_coordination_manages_conventions(jeu, intervenant_gup, coordinateur_gup):
    options = {"contrat": jeu.contrat, "bailleur": jeu.alogea, "annee_debut": 2026}
    with pytest.raises(PermissionDenied):
        services_tfpb.convention_save(user=intervenant_gup, annee_fin=2030, **options)
    with pytest.raises(ValidationError) as exc:
        services_tfpb.convention_save(user=coordinateur_gup, annee_fin=2031, **options)
    assert exc.value.message_dict == {
        "annee_fin": ["La convention ne peut finir après le contrat (2030)."]
    }
    convention = services_tfpb.convention_save(user=coordinateur_gup, annee_fin=2028, **options)
    assert (convention.contrat, convention.annee_fin) == (jeu.contrat, 2028)


# Scoping ---------------------------------------------------------------------------------


def test_each_role_sees_its_conventions(
    jeu, coordinateur_gup, lecteur, intervenant_gup, intervenant_alogea, agent_autre_contrat,
    porteur,
):  # fmt: skip
    def vues(user):
        return set(ConventionTFPB.objects.for_user(user))

    assert vues(coordinateur_gup) == vues(lecteur) == {jeu.habitat, jeu.autre}
    assert vues(intervenant_gup) == {jeu.habitat}
    assert vues(intervenant_alogea) == {jeu.autre}
    assert vues(agent_autre_contrat) == vues(porteur) == set()


# The workbook ----------------------------------------------------------------------------


def test_the_workbook_holds_the_pages_figures(client, jeu, coordinateur_gup):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(coordinateur_gup)
    response = client.get(reverse("gup:tfpb_bilan_excel") + "?annee=2025")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bilan-tfpb-2025.xlsx"'
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == [
        "Par bailleur", "Par quartier", "Par axe", "Axes par bailleur", "Par année", "À propos",
    ]  # fmt: skip
    bailleurs = [list(row) for row in workbook["Par bailleur"].iter_rows(values_only=True)]
    assert bailleurs[0][:7] == [
        "Bailleur", "Abattement", "Montant prévu", "Montant réalisé", "Réalisé / abattement",
        "Actions", "Actions au réalisé non renseigné",
    ]  # fmt: skip
    assert bailleurs[1:] == [
        ["Alogéa", 4000, 4000, 5000, 1.25, 1, 0],
        ["Habitat Audois", 18000, 15000, 10000, pytest.approx(0.556), 3, 1],
        ["Total", 22000, 19000, 15000, pytest.approx(0.682), 4, 1],
    ]
    sheet = workbook["Par bailleur"]
    assert sheet["B2"].number_format == '#,##0.00\\ "€"'
    assert isinstance(sheet["B2"].value, float | int)
    quartiers = list(workbook["Par quartier"].iter_rows(min_row=2, values_only=True))
    assert [row[:4] for row in quartiers] == [
        ("La Conte", 16000, 14000, 12000),
        ("Le Viguier", 6000, 5000, 3000),
        ("Total", 22000, 19000, 15000),
    ]
    axes = {row[0]: row[1:] for row in workbook["Par axe"].iter_rows(min_row=2, values_only=True)}
    assert axes["3. Sur-entretien"] == (10000, 7000, pytest.approx(0.467))
    assert axes["1. Renforcement de la présence du personnel de proximité"] == (0, 0, 0)
    annees = workbook["Par année"]
    assert [row for row in annees.iter_rows(min_row=2, values_only=True) if any(row)] == [
        (2024, 19000, 11000, pytest.approx(11000 / 19000, abs=1e-3)),
        (2025, 22000, 15000, pytest.approx(15000 / 22000, abs=1e-3)),
    ]
    assert len(annees._charts) == 1


# The API ---------------------------------------------------------------------------------

API = "/api/v1/gup/tfpb/"


def test_the_api_lists_conventions_with_their_dwellings(
    client, jeu, intervenant_gup, django_assert_num_queries
):
    client.force_login(intervenant_gup)
    # Session, user, roles; the count; conventions with landlords; their dwellings.
    with django_assert_num_queries(6):
        response = client.get(f"{API}conventions/")
    assert response.status_code == 200
    (convention,) = response.json()["results"]
    assert convention["bailleur_nom"] == "Habitat Audois"
    assert convention["patrimoine"] == [
        {"quartier": jeu.conte.pk, "quartier_nom": "La Conte", "nb_logements": 300},
        {"quartier": jeu.viguier.pk, "quartier_nom": "Le Viguier", "nb_logements": 200},
    ]
    ConventionTFPBFactory(contrat=jeu.contrat, bailleur=jeu.habitat.bailleur, annee_debut=2030)
    with django_assert_num_queries(6):
        assert len(client.get(f"{API}conventions/").json()["results"]) == 2


def test_the_api_lists_actions_in_constant_queries(
    client, jeu, coordinateur_gup, django_assert_num_queries
):
    client.force_login(coordinateur_gup)
    # Session, user, roles; the count; the actions with landlord, quartier and axis.
    with django_assert_num_queries(5):
        response = client.get(f"{API}actions/?annee=2025")
    rows = response.json()["results"]
    assert len(rows) == 4
    sans = next(row for row in rows if row["id"] == jeu.sans_realise.pk)
    assert (sans["montant_realise"], sans["realise_renseigne"]) == (None, False)
    action(jeu.autre, jeu.conte, 2025, "8", 100, 100, "Éclairage")
    with django_assert_num_queries(5):
        assert len(client.get(f"{API}actions/?annee=2025").json()["results"]) == 5


def test_a_landlord_enters_its_actions_through_the_api(client, jeu, intervenant_gup):
    client.force_login(intervenant_gup)
    payload = {
        "convention": jeu.habitat.pk, "quartier": jeu.viguier.pk, "annee": 2026,
        "axe": axe("4").pk, "intitule": "Enlèvement des encombrants", "montant_prevu": "1500.00",
    }  # fmt: skip
    response = client.post(f"{API}actions/", payload, content_type="application/json")
    assert response.status_code == 201, response.json()
    created = ActionTFPB.objects.get(pk=response.json()["id"])
    assert (created.montant_prevu, created.montant_realise) == (D(1500), None)

    response = client.patch(
        f"{API}actions/{created.pk}/", {"montant_realise": "1400.50"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    created.refresh_from_db()
    assert created.montant_realise == D("1400.50")


def test_the_api_refuses_in_french_and_writes_nothing(
    client, jeu, intervenant_gup, intervenant_alogea, lecteur
):
    client.force_login(intervenant_gup)
    payload = {
        "convention": jeu.habitat.pk, "quartier": QuartierFactory(contrat=jeu.contrat).pk,
        "annee": 2032, "axe": axe("4").pk, "intitule": "Hors période", "montant_prevu": "-5",
    }  # fmt: skip
    response = client.post(f"{API}actions/", payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"montant_prevu": ["Un montant ne peut être négatif."]}
    payload["montant_prevu"] = "5"
    response = client.post(f"{API}actions/", payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "annee": ["L'année doit être comprise dans la période de la convention (2024-2030)."],
        "quartier": [services_tfpb.QUARTIER_HORS_PATRIMOINE],
    }
    # Another landlord's convention is not even visible.
    client.force_login(intervenant_alogea)
    payload.update(annee=2026, quartier=jeu.conte.pk)
    response = client.post(f"{API}actions/", payload, content_type="application/json")
    assert response.status_code == 400
    assert "ne vous est pas accessible" in response.json()["convention"][0]
    # A reader of the contract sees it but does not enter.
    client.force_login(lecteur)
    response = client.post(f"{API}actions/", payload, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"] == services_tfpb.REFUS_SAISIE
    assert not ActionTFPB.objects.filter(annee__gt=2025).exists()


def test_the_api_enters_abatements_with_the_same_checks(client, jeu, coordinateur_gup):
    client.force_login(coordinateur_gup)
    payload = {"convention": jeu.autre.pk, "quartier": jeu.viguier.pk, "annee": 2026,
               "montant": "4100.00"}  # fmt: skip
    response = client.post(f"{API}abattements/", payload, content_type="application/json")
    assert response.json() == {"quartier": [services_tfpb.QUARTIER_HORS_PATRIMOINE]}
    payload["quartier"] = jeu.conte.pk
    response = client.post(f"{API}abattements/", payload, content_type="application/json")
    assert response.status_code == 201
    response = client.post(f"{API}abattements/", payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == [
        "L'abattement de ce quartier pour cette année est déjà saisi."
    ]
    assert AbattementTFPB.objects.filter(convention=jeu.autre, annee=2026).count() == 1


def test_the_coordination_creates_a_convention_with_its_dwellings_through_the_api(
    client, jeu, coordinateur_gup
):
    client.force_login(coordinateur_gup)
    payload = {
        "contrat": jeu.contrat.pk, "bailleur": jeu.alogea.pk, "annee_debut": 2026,
        "annee_fin": 2030, "patrimoine": [{"quartier": jeu.viguier.pk, "nb_logements": 80}],
    }  # fmt: skip
    response = client.post(f"{API}conventions/", payload, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["patrimoine"][0]["nb_logements"] == 80
    payload["patrimoine"] = [{"quartier": QuartierFactory().pk, "nb_logements": 3}]
    response = client.post(f"{API}conventions/", payload, content_type="application/json")
    assert response.status_code == 400
    assert "n'appartient pas au contrat" in response.json()["patrimoine"]
    assert ConventionTFPB.objects.filter(bailleur=jeu.alogea, annee_debut=2026).count() == 1


def test_the_api_bilan_is_the_pages(client, jeu, intervenant_gup, porteur):
    client.force_login(intervenant_gup)
    data = client.get(f"{API}bilan/?annee=2025").json()
    assert data["annee"] == 2025
    (habitat,) = data["par_bailleur"]
    assert (habitat["abattement"], habitat["realise"], habitat["ratio"]) == (
        "18000.00", "10000.00", "55.6",
    )  # fmt: skip
    assert habitat["non_renseignes"] == 1
    assert data["evolution"][0] == {
        "annee": 2024, "abattement": "15000.00", "realise": "9000.00", "ratio": "60.0",
    }  # fmt: skip
    client.force_login(porteur)
    assert client.get(f"{API}bilan/").status_code == 403
    assert client.get(f"{API}conventions/").status_code == 403


def test_the_axes_are_the_national_frameworks(client, lecteur):
    client.force_login(lecteur)
    rows = client.get(f"{API}axes/").json()["results"]
    assert [(row["code"], row["libelle"]) for row in rows][2] == ("3", "Sur-entretien")
    assert len(rows) == 8


def test_a_diagnostic_of_another_contract_cannot_be_linked(jeu, coordinateur_gup):
    ailleurs = DiagnosticFactory()
    with pytest.raises(ValidationError) as exc:
        services_tfpb.action_save(
            user=coordinateur_gup, convention=jeu.habitat, quartier_id=jeu.conte.pk,
            annee=2026, axe=axe("6"), intitule="Suite du diagnostic", montant_prevu=D(10),
            diagnostic=ailleurs,
        )  # fmt: skip
    assert list(exc.value.message_dict) == ["diagnostic"]


def test_the_schema_documents_the_tfpb_endpoints_without_warnings(db):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)

    messages = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    assert [m for m in messages if "tfpb" in m.lower()] == []
    for prefix in ["axes", "conventions", "abattements", "actions", "bilan"]:
        assert f"{API}{prefix}/" in schema["paths"]
