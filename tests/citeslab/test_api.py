"""CitésLab's staff API: beneficiaries with projects, dated stages, referrals and creation;
meetings, read and recorded; nobody but the contract's chargé CitésLab reaches them."""

import datetime

import pytest

from citeslab import services
from citeslab.enums import Etape
from citeslab.models import Rencontre
from tests.citeslab.factories import (
    BeneficiaireFactory,
    CreationFactory,
    OrientationFactory,
    ProjetFactory,
    RencontreFactory,
)
from tests.citeslab.test_pages import OTHERS

pytestmark = pytest.mark.django_db

D = datetime.date
API = "/api/v1/citeslab"


@pytest.fixture
def jeu(contrat, charge_citeslab):
    samira = BeneficiaireFactory(contrat=contrat, nom="Benali", prenom="Samira")
    karim = BeneficiaireFactory(contrat=contrat, nom="Roux", prenom="Karim", homme=True)
    projet = services.projet_creer(
        beneficiaire=samira, idee="Épicerie", secteur="commerce", date=D(2021, 3, 9),
        auteur=charge_citeslab,
    )  # fmt: skip
    services.projet_changer_etape(
        projet=projet, etape=Etape.AMORCAGE, date=D(2021, 4, 2), auteur=charge_citeslab
    )
    OrientationFactory(projet=projet, date=D(2021, 5, 3))
    CreationFactory(projet=ProjetFactory(beneficiaire=karim, cree=True), date=D(2021, 9, 1))
    RencontreFactory(contrat=contrat, beneficiaires=[samira], date=D(2021, 3, 9))
    return {"samira": samira, "karim": karim, "projet": projet}


def test_the_chargé_reads_people_with_their_projects(client, charge_citeslab, jeu):
    client.force_login(charge_citeslab)
    resultats = client.get(f"{API}/beneficiaires/").json()["results"]
    assert [b["nom"] for b in resultats] == ["Benali", "Roux"]
    samira = resultats[0]
    projet = samira["projets"][0]
    assert (projet["etape"], projet["etape_libelle"], projet["date_etape"]) == (
        "amorcage", "En amorçage", "2021-04-02",
    )  # fmt: skip
    assert [(h["etape"], h["date"]) for h in projet["historique"]] == [
        ("sensibilise", "2021-03-09"),
        ("amorcage", "2021-04-02"),
    ]
    assert projet["orientations"][0]["partenaire_libelle"] == "ADIE"
    assert projet["creation"] is None
    karim = client.get(f"{API}/beneficiaires/{jeu['karim'].pk}/").json()
    assert karim["projets"][0]["creation"]["date"] == "2021-09-01"


def test_the_list_query_count_is_locked(
    client, charge_citeslab, contrat, jeu, django_assert_num_queries
):
    client.force_login(charge_citeslab)
    client.get(f"{API}/beneficiaires/")
    # session, user, roles, "is CitésLab staff", count, people (quartier joined), projects
    # (creation joined), their stages, their referrals.
    with django_assert_num_queries(9) as captured:
        client.get(f"{API}/beneficiaires/")
    for _ in range(3):
        OrientationFactory(projet=ProjetFactory(beneficiaire=BeneficiaireFactory(contrat=contrat)))
    with django_assert_num_queries(len(captured)):
        assert client.get(f"{API}/beneficiaires/").json()["count"] == 5


@pytest.mark.parametrize("persona", OTHERS)
def test_everyone_else_is_refused(client, request, jeu, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    samira = jeu["samira"]
    if persona == "charge_autre_contrat":
        assert client.get(f"{API}/beneficiaires/").json()["count"] == 0
        assert client.get(f"{API}/beneficiaires/{samira.pk}/").status_code == 404
        assert client.get(f"{API}/rencontres/").json()["count"] == 0
        response = client.post(
            f"{API}/rencontres/",
            {"contrat": samira.contrat_id, "date": "2021-06-01", "kind": "atelier",
             "duree_minutes": 60, "beneficiaires": [samira.pk]},
            content_type="application/json",
        )  # fmt: skip
        assert response.status_code == 400
    else:
        for path in ("beneficiaires/", f"beneficiaires/{samira.pk}/", "rencontres/"):
            assert client.get(f"{API}/{path}").status_code == 403, path
        assert client.post(f"{API}/rencontres/", {}).status_code == 403
    assert Rencontre.objects.count() == 1


def test_the_chargé_records_a_meeting(client, charge_citeslab, contrat, jeu):
    client.force_login(charge_citeslab)
    samira, karim = jeu["samira"], jeu["karim"]
    donnees = {"contrat": contrat.pk, "date": "2021-06-01", "kind": "entretien_individuel",
               "duree_minutes": 45, "beneficiaires": [samira.pk, karim.pk]}  # fmt: skip
    refus = client.post(f"{API}/rencontres/", donnees, content_type="application/json")
    assert refus.status_code == 400
    assert refus.json() == {
        "beneficiaires": ["Un entretien individuel concerne un seul bénéficiaire."]
    }
    donnees["kind"] = "information_collective"
    response = client.post(f"{API}/rencontres/", donnees, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["kind_libelle"] == "Information collective"
    assert sorted(response.json()["beneficiaires"]) == sorted([samira.pk, karim.pk])
    liste = client.get(f"{API}/rencontres/").json()
    assert liste["count"] == 2 and liste["results"][0]["date"] == "2021-06-01"
