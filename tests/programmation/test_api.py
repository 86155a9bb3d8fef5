"""The bilan physico-financier as JSON: the numbers of the hand-computed dataset of
test_bilan.py (see its docstring), amounts as strings, scoped to the contracts one follows."""

import pytest
from drf_spectacular.validation import validate_schema

from tests.programmation.test_bilan import PERIODE, bilan_of, build_dataset

URL = "/api/v1/programmation/bilan/"


@pytest.fixture
def jeu(contrat, autre_contrat):
    return build_dataset(contrat, autre_contrat)


def _get(client, user, **params):
    client.force_login(user)
    return client.get(URL, params, HTTP_ACCEPT="application/json")


def test_it_gives_the_hand_computed_bilan(client, jeu, contrat, agent_agglo):
    response = _get(client, agent_agglo, contrat=contrat.pk, **PERIODE)
    assert response.status_code == 200
    data = response.json()
    assert (data["contrat_id"], data["annee_min"], data["annee_max"]) == (contrat.pk, 2024, 2025)
    a2024, a2025 = data["annees"]
    assert a2024 == {
        "annee": 2024,
        "nb_actions": 2,
        "credits_specifiques": "15000.00",
        "autres_financements": "4000.00",
        "total_accorde": "19000.00",
        "taux_cofinancement": "0.2667",
        "nb_reconductions": 0,
        "montant_reconductions": "0.00",
        "nb_nouvelles": 2,
        "montant_nouvelles": "15000.00",
        "evolution_montant": None,
        "evolution_pourcentage": None,
        "evolution_nb_actions": None,
    }
    assert (a2025["credits_specifiques"], a2025["montant_reconductions"]) == (
        "14500.50",
        "12000.00",
    )
    assert (a2025["evolution_montant"], a2025["evolution_pourcentage"]) == ("-499.50", "-0.0333")
    totaux = data["totaux"]
    assert (totaux["annee"], totaux["nb_actions"], totaux["credits_specifiques"]) == (
        None,
        4,
        "29500.50",
    )
    assert (totaux["total_accorde"], totaux["taux_cofinancement"]) == ("36500.50", "0.2373")
    assert [
        (p["nom"], p["nb_actions"], p["credits_specifiques"], p["part"]) for p in data["piliers"]
    ] == [
        ("Cohésion sociale", 3, "24500.50", "0.8305"),
        ("Emploi", 1, "5000.00", "0.1695"),
    ]
    assert [
        (q["nom"], q["code"], q["nb_actions"], q["credits_specifiques"], q["part"])
        for q in data["quartiers"]
    ] == [
        ("La Conte", "QN011001", 3, "25000.00", "0.8474"),
        ("Ozanam", "QN011002", 1, "2000.00", "0.0678"),
    ]
    assert data["non_ventile"] == "2500.50"
    assert [
        (f["nom"], f["nb_actions"], f["credits_specifiques"], f["droit_commun"], f["part"])
        for f in data["financeurs"]
    ] == [
        ("Préfecture de l'Aude", 4, "29500.50", "0.00", "0.8082"),
        ("Département de l'Aude", 2, "0.00", "7000.00", "0.1918"),
    ]


def test_it_is_the_selectors_bilan(client, jeu, contrat, lecteur):
    data = _get(client, lecteur, contrat=contrat.pk, annee_min=2024, annee_max=2026).json()
    bilan = bilan_of(contrat, lecteur, 2024, 2026)
    assert [a["credits_specifiques"] for a in data["annees"]] == [
        str(a.credits_specifiques) for a in bilan.annees
    ]
    assert data["annees"][-1]["evolution_pourcentage"] == "-1.0000"


def test_it_defaults_to_the_contracts_years(client, jeu, contrat, agent_agglo):
    data = _get(client, agent_agglo, contrat=contrat.pk).json()
    assert data["annee_min"] == contrat.annee_debut
    assert data["annees"][0]["annee"] == contrat.annee_debut


def test_a_contract_one_does_not_follow_is_not_found(client, jeu, contrat, agent_autre_contrat):
    response = _get(client, agent_autre_contrat, contrat=contrat.pk, **PERIODE)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({}, "contrat", "Indiquez le numéro du contrat."),
        ({"annee_min": "2026", "annee_max": "2025"}, "annee_max", "ne peut précéder"),
        ({"annee_min": "vingt", "annee_max": "2025"}, "annee_min", "Saisissez un nombre"),
    ],
)
def test_bad_parameters_are_explained_in_french(
    client, jeu, contrat, agent_agglo, params, field, message
):
    if field != "contrat":
        params = {"contrat": contrat.pk, **params}
    response = _get(client, agent_agglo, **params)
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])


def test_porteurs_are_refused(client, jeu, contrat, porteur):
    response = _get(client, porteur, contrat=contrat.pk)
    assert response.status_code == 403
    assert response.json()["detail"] == "Votre rôle ne donne pas accès à ces données."


def test_anonymous_gets_a_json_refusal_not_a_redirect(client, jeu, contrat):
    response = client.get(URL, {"contrat": contrat.pk}, HTTP_ACCEPT="application/json")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")


def test_it_is_documented_in_the_openapi_schema(client, lecteur):
    client.force_login(lecteur)
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    validate_schema(schema)
    operation = schema["paths"][URL]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"contrat", "annee_min", "annee_max"}
    assert "200" in operation["responses"]
    assert "BilanPhysicoFinancier" in schema["components"]["schemas"]
