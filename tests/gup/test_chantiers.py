"""Chantiers tremplin: the counts per quartier and year computed by hand, the service's
validation (French messages, nothing written), scoping by role, and the API."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cdv.enums import RoleCode
from gup import selectors_chantiers, services_chantiers
from gup.models import ChantierTremplin, FinancementChantier
from tests import factories
from tests.gup.factories import ChantierFactory, DiagnosticFactory, SignalementFactory
from tests.programmation.factories import QuartierFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/gup/chantiers/"


# The cast and the data ---------------------------------------------------------------------


@pytest.fixture(name="regie")
def regie_fixture(db):
    return factories.OrganisationFactory(nom="Régie de quartier de Carcassonne")


@pytest.fixture(name="intervenant_regie")
def intervenant_regie_fixture(regie, contrat):
    """The régie's agent: an intervenant GUP of the operator, following the contract."""
    return factories.UserFactory(
        email="encadrant@regie.fr",
        organisation=regie,
        roles=[RoleCode.INTERVENANT_GUP],
        contrats=[contrat],
    )


@pytest.fixture(name="la_conte")
def la_conte_fixture(contrat):
    return QuartierFactory(contrat=contrat, nom="La Conte")


@pytest.fixture(name="viguier")
def viguier_fixture(contrat):
    return QuartierFactory(contrat=contrat, nom="Le Viguier")


@pytest.fixture(name="chantiers")
def chantiers_fixture(contrat, autre_contrat, la_conte, viguier, regie):
    """Three sites of the contract (two run by the régie), one of another contract."""
    association = factories.OrganisationFactory(nom="Association Tremplin")
    return {
        "a": ChantierFactory(
            quartier=la_conte, annee=2025, intitule="Peinture des halls", operateur=regie,
            participants=10, femmes=4, hommes=6, residents_qpv=8, sorties_emploi=3,
            sorties_formation=2, sorties_iae=1, sorties_autre_suivi=1, sorties_sans_solution=2,
        ),
        "b": ChantierFactory(
            quartier=la_conte, annee=2025, intitule="Jardins partagés", operateur=regie,
            participants=8, femmes=3, hommes=5, residents_qpv=6, sorties_emploi=2,
            sorties_formation=1, sorties_iae=2, sorties_autre_suivi=0, sorties_sans_solution=1,
        ),
        "c": ChantierFactory(
            quartier=viguier, annee=2026, intitule="Rénovation des caves",
            operateur=association, participants=12, femmes=6, hommes=6, residents_qpv=10,
            sorties_emploi=4, sorties_formation=3, sorties_iae=0, sorties_autre_suivi=2,
            sorties_sans_solution=1,
        ),
        "d": ChantierFactory(
            quartier=QuartierFactory(contrat=autre_contrat, nom="Razimbaud"), annee=2025,
            intitule="Chantier de Narbonne", operateur=regie, participants=7, femmes=7,
            hommes=0,
        ),
    }  # fmt: skip


# Counts ------------------------------------------------------------------------------------


def test_the_counts_per_quartier_and_year_add_up_by_hand(chantiers, coordinateur_gup, contrat):
    queryset = selectors_chantiers.chantiers_for(coordinateur_gup, contrat=contrat)

    bilan = selectors_chantiers.chantiers_bilan(queryset)

    colonnes = [key for key, _ in selectors_chantiers.COLONNES]
    lignes = [
        (ligne["quartier_nom"], ligne["annee"], [ligne[key] for key in colonnes])
        for ligne in bilan["lignes"]
    ]
    # chantiers, participants, femmes, hommes, QPV, emploi, formation, IAE, autre, sans
    assert lignes == [
        ("Le Viguier", 2026, [1, 12, 6, 6, 10, 4, 3, 0, 2, 1]),
        ("La Conte", 2025, [2, 18, 7, 11, 14, 5, 3, 3, 1, 3]),
    ]
    assert bilan["totaux"] == [3, 30, 13, 17, 24, 9, 6, 3, 3, 4]


def test_the_counts_follow_the_filters_and_the_scope(chantiers, intervenant_regie, contrat):
    queryset = selectors_chantiers.chantiers_for(intervenant_regie, contrat=contrat, annee=2025)

    bilan = selectors_chantiers.chantiers_bilan(queryset)

    # The régie's agent counts its own two sites of 2025, not the Narbonne one.
    assert bilan["total"]["chantiers"] == 2
    assert bilan["total"]["participants"] == 18


def test_the_counts_take_one_query(chantiers, coordinateur_gup, contrat, django_assert_num_queries):
    # Building the scope reads the user's roles (once); the counts are one GROUP BY.
    queryset = selectors_chantiers.chantiers_for(coordinateur_gup, contrat=contrat)
    with django_assert_num_queries(1):
        selectors_chantiers.chantiers_bilan(queryset)


# Scope -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("coordinateur_gup", {"a", "b", "c"}),
        ("agent_agglo", {"a", "b", "c"}),
        ("lecteur", {"a", "b", "c"}),
        ("intervenant_regie", {"a", "b", "d"}),
        ("intervenant_gup", set()),
        ("agent_autre_contrat", {"d"}),
        ("porteur", set()),
    ],
)
def test_each_role_sees_its_sites(request, chantiers, persona, expected):
    user = request.getfixturevalue(persona)
    seen = set(ChantierTremplin.objects.for_user(user).values_list("intitule", flat=True))

    assert seen == {chantiers[key].intitule for key in expected}


# The service -------------------------------------------------------------------------------


def test_inconsistent_counts_are_refused_in_french_and_nothing_is_written(
    chantiers, coordinateur_gup, la_conte, regie
):
    chantier = ChantierTremplin(
        quartier=la_conte, annee=2026, intitule="Nettoyage", operateur=regie,
        participants=10, femmes=7, hommes=5, residents_qpv=11, sorties_emploi=8,
        sorties_formation=4, date_debut=datetime.date(2026, 5, 1),
        date_fin=datetime.date(2026, 3, 1),
    )  # fmt: skip

    with pytest.raises(ValidationError) as refus:
        services_chantiers.chantier_save(
            chantier=chantier,
            user=coordinateur_gup,
            financements=[{"financeur": regie, "montant": Decimal("1000")}],
        )

    assert refus.value.message_dict == {
        "femmes": ["Femmes et hommes (12) dépassent le nombre de participants (10)."],
        "residents_qpv": ["Les habitants des QPV ne peuvent dépasser les participants."],
        "sorties_emploi": ["Les sorties (12) dépassent le nombre de participants (10)."],
        "date_fin": ["La fin ne peut précéder le début."],
    }
    assert not ChantierTremplin.objects.filter(intitule="Nettoyage").exists()
    assert FinancementChantier.objects.count() == 0


def test_what_a_site_answers_lies_in_its_quartier(chantiers, coordinateur_gup, viguier):
    chantier = chantiers["a"]
    chantier.diagnostic = DiagnosticFactory(quartier=viguier)
    ailleurs = SignalementFactory(quartier=viguier)

    with pytest.raises(ValidationError) as refus:
        services_chantiers.chantier_save(
            chantier=chantier, user=coordinateur_gup, signalements=[ailleurs]
        )

    assert refus.value.message_dict == {
        "diagnostic": ["Ce diagnostic a parcouru un autre quartier."],
        "signalements": [
            f"Choisissez des signalements du quartier du chantier : n° {ailleurs.pk}."
        ],
    }


def test_a_funder_appears_once(chantiers, coordinateur_gup, regie):
    lignes = [{"financeur": regie, "montant": Decimal("10")}] * 2

    with pytest.raises(ValidationError) as refus:
        services_chantiers.chantier_save(
            chantier=chantiers["a"], user=coordinateur_gup, financements=lignes
        )

    assert refus.value.message_dict == {
        "financements": [f"Ce financeur figure déjà pour ce chantier : {regie.nom}."]
    }


def test_the_funders_are_replaced_and_hidden_problems_kept(
    chantiers, intervenant_regie, coordinateur_gup, la_conte, regie, bailleur
):
    chantier = chantiers["a"]
    cache = SignalementFactory(quartier=la_conte)  # assigned to nobody: the régie cannot see it
    assigne = SignalementFactory(quartier=la_conte, organisation_responsable=regie)
    chantier.signalements.add(cache)
    FinancementChantier.objects.create(chantier=chantier, financeur=bailleur, montant=5)

    services_chantiers.chantier_save(
        chantier=chantier,
        user=intervenant_regie,
        signalements=[assigne],
        financements=[{"financeur": regie, "montant": Decimal("2500.50")}],
    )

    assert set(chantier.signalements.all()) == {cache, assigne}
    assert list(chantier.financements.values_list("financeur__nom", "montant")) == [
        (regie.nom, Decimal("2500.50"))
    ]


@pytest.mark.parametrize("persona", ["lecteur", "agent_agglo", "intervenant_gup"])
def test_only_the_coordination_and_the_operator_write(request, chantiers, persona):
    user = request.getfixturevalue(persona)
    chantier = chantiers["a"]
    chantier.intitule = "Changé"

    with pytest.raises(PermissionDenied):
        services_chantiers.chantier_save(chantier=chantier, user=user)

    chantier.refresh_from_db()
    assert chantier.intitule == "Peinture des halls"


def test_the_operator_cannot_hand_its_site_to_another_body(chantiers, intervenant_regie, bailleur):
    chantier = chantiers["a"]
    chantier.operateur = bailleur

    with pytest.raises(PermissionDenied):
        services_chantiers.chantier_save(chantier=chantier, user=intervenant_regie)


# API ---------------------------------------------------------------------------------------


def _get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params, HTTP_ACCEPT="application/json")


def _send(client, user, method, url, data):
    client.force_login(user)
    return getattr(client, method)(url, data, content_type="application/json")


def test_the_api_lists_the_sites_with_filters(client, chantiers, coordinateur_gup, la_conte):
    rows = _get(client, coordinateur_gup, API, annee=2025).json()["results"]

    assert sorted(row["intitule"] for row in rows) == ["Jardins partagés", "Peinture des halls"]
    assert _get(client, coordinateur_gup, API, quartier=la_conte.pk).json()["count"] == 2


def test_the_api_row_carries_counts_and_funders(client, chantiers, coordinateur_gup, regie):
    chantier = chantiers["a"]
    FinancementChantier.objects.create(chantier=chantier, financeur=regie, montant=1500)

    row = _get(client, coordinateur_gup, f"{API}{chantier.pk}/").json()

    assert row["quartier_nom"] == "La Conte"
    assert row["operateur_nom"] == regie.nom
    assert (row["participants"], row["femmes"], row["sorties_emploi"]) == (10, 4, 3)
    assert row["financements"] == [
        {"financeur": regie.pk, "financeur_nom": regie.nom, "montant": "1500.00"}
    ]


def test_the_api_list_takes_a_constant_number_of_queries(
    client, chantiers, coordinateur_gup, la_conte, regie, django_assert_num_queries
):
    client.force_login(coordinateur_gup)
    client.get(API, HTTP_ACCEPT="application/json")  # warm the session

    def liste():
        # session, user, roles, COUNT, the page (quartier and operator joined), funders
        # with their organisation, the problems the user sees
        with django_assert_num_queries(7):
            response = client.get(API, HTTP_ACCEPT="application/json")
        return response.json()["count"]

    assert liste() == 3
    for n in range(5):
        chantier = ChantierFactory(quartier=la_conte, operateur=regie)
        FinancementChantier.objects.create(chantier=chantier, financeur=regie, montant=n)
        chantier.signalements.add(SignalementFactory(quartier=la_conte))
    assert liste() == 8


@pytest.mark.parametrize(
    "persona, status", [("agent_autre_contrat", 404), ("intervenant_gup", 404), ("porteur", 403)]
)
def test_the_api_hides_other_sites(client, request, chantiers, persona, status):
    user = request.getfixturevalue(persona)

    response = _get(client, user, f"{API}{chantiers['a'].pk}/")

    assert response.status_code == status


def test_the_coordination_creates_a_site_through_the_api(
    client, chantiers, coordinateur_gup, la_conte, regie, contrat
):
    data = {
        "quartier": la_conte.pk,
        "annee": 2026,
        "intitule": "Fresque du centre social",
        "operateur": regie.pk,
        "participants": 6,
        "femmes": 2,
        "hommes": 4,
        "residents_qpv": 5,
        "sorties_emploi": 1,
        "financements": [{"financeur": contrat.epci_id, "montant": "12000.00"}],
    }

    response = _send(client, coordinateur_gup, "post", API, data)

    assert response.status_code == 201, response.json()
    chantier = ChantierTremplin.objects.get(intitule="Fresque du centre social")
    assert list(chantier.financements.values_list("financeur", "montant")) == [
        (contrat.epci_id, Decimal("12000.00"))
    ]


def test_the_api_answers_inconsistent_counts_in_french(client, chantiers, coordinateur_gup):
    url = f"{API}{chantiers['a'].pk}/"

    response = _send(client, coordinateur_gup, "patch", url, {"femmes": 9})

    assert response.status_code == 400
    assert response.json() == {
        "femmes": ["Femmes et hommes (15) dépassent le nombre de participants (10)."]
    }
    chantiers["a"].refresh_from_db()
    assert chantiers["a"].femmes == 4


@pytest.mark.parametrize(
    "persona, key, status",
    [
        ("intervenant_regie", "a", 200),
        ("intervenant_regie", "c", 404),
        ("lecteur", "a", 403),
        ("agent_agglo", "a", 403),
        ("agent_autre_contrat", "a", 404),
    ],
)
def test_the_api_updates_for_the_same_people_as_the_pages(
    client, request, chantiers, persona, key, status
):
    user = request.getfixturevalue(persona)

    response = _send(client, user, "patch", f"{API}{chantiers[key].pk}/", {"sorties_iae": 0})

    assert response.status_code == status


def test_the_api_refuses_a_funder_out_of_reach(client, chantiers, intervenant_regie, bailleur):
    url = f"{API}{chantiers['a'].pk}/"
    data = {"financements": [{"financeur": bailleur.pk, "montant": "10"}]}

    response = _send(client, intervenant_regie, "patch", url, data)

    assert response.status_code == 400
    assert response.json() == {
        "financements": [
            f"Le financeur n°{bailleur.pk} n'existe pas ou ne vous est pas accessible."
        ]
    }


def test_the_api_bilan_is_the_selectors(client, chantiers, coordinateur_gup, contrat):
    body = _get(client, coordinateur_gup, f"{API}bilan/", contrat=contrat.pk).json()

    assert [(ligne["quartier_nom"], ligne["annee"]) for ligne in body["lignes"]] == [
        ("Le Viguier", 2026),
        ("La Conte", 2025),
    ]
    assert body["total"]["participants"] == 30
    assert body["total"]["sorties_emploi"] == 9
    assert body["lignes"][1]["chantiers"] == 2
