"""The quartiers' API: territories, quartiers and their perimeters (GeoJSON), the catalogue,
the values with their filters and secrets, the gaps table; scoped per persona. The figures
are those of `jeu` (tests/quartiers/test_ecarts.py), computed there by hand."""

import pytest
from django.urls import reverse

from quartiers.enums import TerritoireKind
from tests.quartiers.factories import IndicateurFactory, ValeurFactory
from tests.quartiers.test_ecarts import construire_jeu

BASE = "/api/v1/quartiers/"
ENDPOINTS = [
    "territoires/",
    "quartiers/",
    "quartiers/perimetres/",
    "indicateurs/",
    "valeurs/",
    "ecarts/",
]
CARRE = {
    "type": "Polygon",
    "coordinates": [[[2.35, 43.2], [2.36, 43.2], [2.36, 43.21], [2.35, 43.21], [2.35, 43.2]]],
}


def _get(client, user, path, params=None):
    client.force_login(user)
    response = client.get(BASE + path, params or {})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def jeu(contrat):
    return construire_jeu(contrat)


@pytest.mark.parametrize("path", ENDPOINTS)
def test_anonymous_visitors_are_refused(client, db, path):
    assert client.get(BASE + path).status_code in (401, 403)


def test_the_routes_are_named(db):
    assert reverse("api-quartiers-ecarts-list") == BASE + "ecarts/"
    assert reverse("api-quartiers-quartier-perimetres") == BASE + "quartiers/perimetres/"


# Territories, quartiers, perimeters ------------------------------------------------------


def test_territories_are_reference_data_filtered_by_kind_code_and_parent(client, jeu, porteur):
    # Any signed-in user: the EPCI, the commune, the two quartiers' territories, and France
    # and the national QPV average (created by migration).
    assert _get(client, porteur, "territoires/")["count"] == 6
    communes = _get(client, porteur, "territoires/", {"kind": "commune"})["results"]
    assert [(t["code"], t["nom"], t["kind_libelle"]) for t in communes] == [
        ("11069", "Carcassonne", "Commune")
    ]
    assert _get(client, porteur, "territoires/", {"code": "200035715"})["count"] == 1
    enfants = _get(client, porteur, "territoires/", {"parent": jeu["commune"].pk})["results"]
    assert sorted(t["code"] for t in enfants) == ["QP011002", "QP011003"]


def test_quartiers_are_those_of_the_users_contracts(client, jeu, contrat, agent_agglo, request):
    noms = [q["nom"] for q in _get(client, agent_agglo, "quartiers/")["results"]]
    assert noms == ["La Conte", "Le Viguier"]
    params = {"contrat": contrat.pk, "kind": "qpv"}
    assert _get(client, agent_agglo, "quartiers/", params)["count"] == 2
    assert _get(client, agent_agglo, "quartiers/", {"kind": "qva"})["count"] == 0
    detail = _get(client, agent_agglo, f"quartiers/{jeu['conte'].pk}/")
    assert (detail["code"], detail["territoire"]) == ("QP011002", jeu["conte"].territoire_id)

    autre = request.getfixturevalue("agent_autre_contrat")
    assert _get(client, autre, "quartiers/")["count"] == 0
    assert client.get(f"{BASE}quartiers/{jeu['conte'].pk}/").status_code == 404


def test_the_perimeters_are_a_geojson_feature_collection(client, jeu, agent_agglo, request):
    conte = jeu["conte"]
    conte.perimetre = CARRE
    conte.save()

    collection = _get(client, agent_agglo, "quartiers/perimetres/")

    # Le Viguier has no perimeter: left out.
    assert collection["type"] == "FeatureCollection"
    (feature,) = collection["features"]
    assert feature["type"] == "Feature" and feature["geometry"] == CARRE
    assert feature["properties"] == {
        "id": conte.pk,
        "code": "QP011002",
        "nom": "La Conte",
        "kind": "qpv",
        "population": 2000,
        "perimetre_note": "",
    }
    autre = request.getfixturevalue("agent_autre_contrat")
    assert _get(client, autre, "quartiers/perimetres/")["features"] == []


# The catalogue and the values ------------------------------------------------------------


def test_the_catalogue_filters_by_theme_and_source(client, jeu, lecteur):
    codes = [i["code"] for i in _get(client, lecteur, "indicateurs/")["results"]]
    assert sorted(codes) == [
        "familles_monoparentales",
        "revenu_median",
        "taux_emploi",
        "taux_pauvrete",
    ]
    familles = _get(client, lecteur, "indicateurs/", {"theme": "familles"})["results"]
    assert [i["code"] for i in familles] == ["familles_monoparentales"]
    assert _get(client, lecteur, "indicateurs/", {"source": "caf"})["count"] == 0


def test_values_of_quartiers_only_for_their_contracts_users(client, jeu, request):
    # 15 values: 8 of the quartiers (La Conte 6, Le Viguier 2), 7 of the commune and EPCI.
    agent = request.getfixturevalue("agent_agglo")
    assert _get(client, agent, "valeurs/")["count"] == 15
    for persona in ("agent_autre_contrat", "porteur"):
        valeurs = _get(client, request.getfixturevalue(persona), "valeurs/")
        assert valeurs["count"] == 7
        assert {v["territoire_kind"] for v in valeurs["results"]} == {"commune", "epci"}


def test_a_secret_value_is_null_and_flagged(client, jeu, agent_agglo):
    params = {"territoire_code": "QP011002", "indicateur": "familles_monoparentales"}

    results = _get(client, agent_agglo, "valeurs/", params)["results"]

    assert [(v["millesime"], v["valeur"], v["secret"]) for v in results] == [
        (2018, "20.000", False),
        (2020, None, True),
    ]


def test_values_filter_by_territory_indicator_and_vintages(client, jeu, agent_agglo):
    def count(**params):
        return _get(client, agent_agglo, "valeurs/", params)["count"]

    assert count(territoire=jeu["commune"].pk) == 5  # pauvreté 2, familles 2, revenu 1
    assert count(territoire_kind="quartier") == 8
    assert count(territoire_kind="quartier", indicateur="taux_pauvrete") == 4
    assert count(indicateur="taux_pauvrete", millesime_min=2016) == 4  # the 2019 ones
    assert count(indicateur="taux_pauvrete", millesime_max=2015) == 4
    assert count(millesime_min=2018, millesime_max=2018) == 2  # familles 2018: Conte, commune


def test_the_values_list_reads_in_constant_queries(
    client, jeu, agent_agglo, django_assert_num_queries
):
    client.force_login(agent_agglo)
    # 1 session, 2 user, 3 count of the scoped values, 4 the page of values with their
    # territory and indicator.
    with django_assert_num_queries(4):
        assert client.get(BASE + "valeurs/").json()["count"] == 15
    emploi = IndicateurFactory(code="taux_emploi")
    for millesime in range(2000, 2010):
        ValeurFactory(territoire=jeu["commune"], indicateur=emploi, millesime=millesime)
        ValeurFactory(territoire=jeu["conte"].territoire, indicateur=emploi, millesime=millesime)
    with django_assert_num_queries(4):
        assert client.get(BASE + "valeurs/").json()["count"] == 35


# The gaps --------------------------------------------------------------------------------


def test_the_gaps_come_from_the_pages_selector(client, jeu, contrat, agent_agglo):
    params = {"contrat": contrat.pk, "reference": TerritoireKind.EPCI}

    data = _get(client, agent_agglo, "ecarts/", params)

    assert (data["contrat"], data["reference"]) == (contrat.pk, "epci")
    lignes = {(ligne["quartier_nom"], ligne["indicateur"]): ligne for ligne in data["lignes"]}
    assert len(lignes) == 6
    conte = lignes["La Conte", "taux_pauvrete"]
    # 61 − 21 = 40 points in 2019; 55 − 20 = 35 in 2015: the gap widened.
    assert (conte["valeur"], conte["reference"], conte["ecart"]) == ("61.000", "21.000", "40.000")
    assert (conte["tendance"], conte["premier_millesime"]) == ("creuse", 2015)
    secret = lignes["La Conte", "familles_monoparentales"]
    assert (secret["valeur"], secret["secret"], secret["ecart"]) == (None, True, None)
    assert secret["tendance"] == "non_calculable"


def test_the_gaps_need_a_followed_contract_and_a_known_reference(
    client, jeu, contrat, autre_contrat, agent_agglo, porteur
):
    client.force_login(agent_agglo)
    assert client.get(BASE + "ecarts/").status_code == 400
    params = {"contrat": contrat.pk, "reference": "france"}
    assert client.get(BASE + "ecarts/", params).status_code == 400
    assert client.get(BASE + "ecarts/", {"contrat": autre_contrat.pk}).status_code == 404
    client.force_login(porteur)
    assert client.get(BASE + "ecarts/", {"contrat": contrat.pk}).status_code == 403
