"""The GUP's API for diagnostics, categories and signalements: each persona reads its scope;
writes go through the pages' services and rules; a stale version answers 409 (body) or 412
(If-Match) with a French message."""

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gup import services
from gup.enums import EtatSignalement
from gup.models import Diagnostic, Signalement
from tests.gup.factories import (
    CategorieFactory,
    DiagnosticFactory,
    SignalementFactory,
    image_bytes,
)
from tests.programmation.factories import QuartierFactory

pytestmark = pytest.mark.django_db
E = EtatSignalement
BASE = "/api/v1/gup"
SIGNALEMENTS = f"{BASE}/signalements/"
DIAGNOSTICS = f"{BASE}/diagnostics/"


@pytest.fixture
def quartier(contrat):
    return QuartierFactory(contrat=contrat, nom="La Conte")


@pytest.fixture
def parties_communes(contrat, bailleur):
    return CategorieFactory(
        contrat=contrat, code="parties_communes", libelle="Parties communes",
        organisation_responsable=bailleur, delai_cible_jours=15,
    )  # fmt: skip


@pytest.fixture
def probleme(quartier, parties_communes, bailleur):
    return SignalementFactory(
        quartier=quartier, categorie=parties_communes, organisation_responsable=bailleur,
        etat=E.TRANSMIS, adresse="3 rue Buffon",
    )  # fmt: skip


@pytest.fixture
def panne(quartier, contrat, intervenant_ville):
    eclairage = CategorieFactory(
        contrat=contrat, code="eclairage", organisation_responsable=intervenant_ville.organisation
    )
    return SignalementFactory(
        quartier=quartier, categorie=eclairage,
        organisation_responsable=intervenant_ville.organisation,
    )  # fmt: skip


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_each_persona_lists_its_scope(
    client, coordinateur_gup, intervenant_gup, intervenant_ville, lecteur, agent_autre_contrat,
    porteur, probleme, panne,
):  # fmt: skip
    expected = [
        (coordinateur_gup, {probleme.pk, panne.pk}),
        (lecteur, {probleme.pk, panne.pk}),
        (intervenant_gup, {probleme.pk}),
        (intervenant_ville, {panne.pk}),
        (agent_autre_contrat, set()),
    ]
    for user, ids in expected:
        client.force_login(user)
        assert _ids(client.get(SIGNALEMENTS)) == ids, user.email
    client.force_login(agent_autre_contrat)
    assert client.get(f"{SIGNALEMENTS}{probleme.pk}/").status_code == 404
    client.force_login(porteur)
    assert client.get(SIGNALEMENTS).status_code == 403


def test_the_list_filters_like_the_page(client, coordinateur_gup, probleme, panne):
    Signalement.objects.filter(pk=probleme.pk).update(echeance=datetime.date(2020, 1, 1))
    Signalement.objects.filter(pk=panne.pk).update(echeance=datetime.date(2099, 1, 1))
    client.force_login(coordinateur_gup)
    assert _ids(client.get(SIGNALEMENTS, {"en_retard": "true"})) == {probleme.pk}
    assert _ids(client.get(SIGNALEMENTS, {"etat": "nouveau"})) == {panne.pk}
    assert _ids(client.get(SIGNALEMENTS, {"q": "buffon"})) == {probleme.pk, panne.pk}
    assert _ids(client.get(SIGNALEMENTS, {"categorie": probleme.categorie_id})) == {probleme.pk}
    rows = client.get(SIGNALEMENTS, {"ordering": "echeance"}).json()["results"]
    assert [r["id"] for r in rows] == [probleme.pk, panne.pk] and rows[0]["en_retard"] is True


def test_the_list_query_count_does_not_grow_with_rows(
    client, coordinateur_gup, quartier, parties_communes, django_assert_num_queries
):
    client.force_login(coordinateur_gup)
    SignalementFactory.create_batch(2, quartier=quartier, categorie=parties_communes)
    # 1. the session, 2. the user, 3. its roles, 4. COUNT for the pagination, 5. the page
    # of signalements JOIN quartier, category and responsible body.
    with django_assert_num_queries(5):
        assert client.get(SIGNALEMENTS).json()["count"] == 2
    SignalementFactory.create_batch(5, quartier=quartier, categorie=parties_communes)
    with django_assert_num_queries(5):
        assert client.get(SIGNALEMENTS).json()["count"] == 7


def test_the_detail_gives_the_history_and_the_scoped_photo_urls(
    client, coordinateur_gup, intervenant_gup, probleme
):
    photo = SimpleUploadedFile("hall.jpg", image_bytes(), content_type="image/jpeg")
    services.signalement_comment(
        signalement=probleme, user=intervenant_gup, commentaire="Devis demandé.", photo=photo
    )
    client.force_login(coordinateur_gup)
    data = client.get(f"{SIGNALEMENTS}{probleme.pk}/").json()
    assert [e["code"] for e in data["evenements"]] == ["commentaire"]
    assert data["evenements"][0]["commentaire"] == "Devis demandé."
    url = data["photos"][0]["url"]
    assert f"/gup/photos/{probleme.photos.get().pk}/" in url and "/media/" not in url
    assert client.get(url).status_code == 200
    assert {e["code"] for e in data["etapes_possibles"]} == {
        "resoudre", "prendre_en_charge", "marquer_doublon", "clore_sans_suite",
    }  # fmt: skip


def test_the_coordination_creates_a_problem_once(
    client, coordinateur_gup, quartier, parties_communes, bailleur
):
    client.force_login(coordinateur_gup)
    body = {"quartier": quartier.pk, "categorie": parties_communes.pk, "description": "Tag",
            "adresse": "Hall C", "client_uuid": str(uuid.uuid4())}  # fmt: skip
    response = client.post(SIGNALEMENTS, body, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["organisation_responsable"] == bailleur.pk and data["etat"] == "nouveau"
    again = client.post(SIGNALEMENTS, body, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert Signalement.objects.count() == 1


def test_a_bad_creation_answers_400_in_french_and_others_get_403(
    client, coordinateur_gup, lecteur, intervenant_gup, quartier, parties_communes
):
    client.force_login(coordinateur_gup)
    response = client.post(
        SIGNALEMENTS,
        {"quartier": quartier.pk, "categorie": parties_communes.pk, "description": "Tag"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "adresse": ["Indiquez une adresse ou placez le problème sur la carte."]
    }
    body = {"quartier": quartier.pk, "categorie": parties_communes.pk, "description": "Tag",
            "adresse": "Hall C"}  # fmt: skip
    for user in (lecteur, intervenant_gup):
        client.force_login(user)
        response = client.post(SIGNALEMENTS, body, content_type="application/json")
        assert response.status_code in (400, 403)
    client.force_login(lecteur)
    response = client.post(SIGNALEMENTS, body, content_type="application/json")
    assert response.status_code == 403
    assert "coordination GUP" in response.json()["detail"]
    assert not Signalement.objects.exists()


def test_patch_checks_the_version(client, coordinateur_gup, probleme):
    client.force_login(coordinateur_gup)
    url = f"{SIGNALEMENTS}{probleme.pk}/"
    response = client.patch(url, {"priorite": "urgente"}, content_type="application/json")
    assert response.status_code == 400 and "version" in response.json()
    response = client.patch(
        url, {"priorite": "urgente", "version": 1}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["version"] == 2
    stale = client.patch(url, {"priorite": "basse", "version": 1}, content_type="application/json")
    assert stale.status_code == 409
    assert "modifié entre-temps" in stale.json()["detail"] and stale.json()["version"] == 2
    header = client.patch(
        url, {"priorite": "basse"}, content_type="application/json", headers={"If-Match": '"1"'}
    )
    assert header.status_code == 412
    probleme.refresh_from_db()
    assert probleme.priorite == "urgente"


def test_patch_is_the_coordination_s(client, intervenant_gup, probleme):
    client.force_login(intervenant_gup)
    response = client.patch(
        f"{SIGNALEMENTS}{probleme.pk}/", {"priorite": "basse", "version": 1},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 403


def test_steps_go_through_the_workflow(client, intervenant_gup, intervenant_ville, probleme):
    url = f"{SIGNALEMENTS}{probleme.pk}/transitions/"
    client.force_login(intervenant_gup)
    response = client.post(url, {"code": "hors_competence"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"commentaire": ["Expliquez cette étape en quelques mots."]}
    response = client.post(
        url, {"code": "prendre_en_charge", "version": 1}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["etat"] == "pris_en_charge"
    stale = client.post(url, {"code": "demarrer", "version": 1}, content_type="application/json")
    assert stale.status_code == 409 and "modifié entre-temps" in stale.json()["detail"]
    refused = client.post(url, {"code": "transmettre"}, content_type="application/json")
    assert refused.status_code == 403
    client.force_login(intervenant_ville)
    assert (
        client.post(url, {"code": "demarrer"}, content_type="application/json").status_code == 404
    )
    probleme.refresh_from_db()
    assert probleme.etat == E.PRIS_EN_CHARGE


def test_diagnostics_are_read_created_and_updated_with_their_version(
    client, coordinateur_gup, lecteur, quartier, bailleur, parties_communes
):
    diagnostic = DiagnosticFactory(quartier=quartier)
    SignalementFactory(quartier=quartier, categorie=parties_communes, diagnostic=diagnostic)
    client.force_login(lecteur)
    rows = client.get(DIAGNOSTICS).json()["results"]
    assert [(r["id"], r["nb_signalements"], r["nb_ouverts"]) for r in rows] == [
        (diagnostic.pk, 1, 1)
    ]
    body = {"quartier": quartier.pk, "date": "2026-06-02", "participants": [bailleur.pk]}
    assert client.post(DIAGNOSTICS, body, content_type="application/json").status_code == 403

    client.force_login(coordinateur_gup)
    response = client.post(DIAGNOSTICS, body, content_type="application/json")
    assert response.status_code == 201, response.content
    created = Diagnostic.objects.get(pk=response.json()["id"])
    assert list(created.participants.all()) == [bailleur]
    url = f"{DIAGNOSTICS}{created.pk}/"
    ok = client.patch(url, {"nb_habitants": 9, "version": 1}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(url, {"nb_habitants": 3, "version": 1}, content_type="application/json")
    assert stale.status_code == 409 and "modifié entre-temps" in stale.json()["detail"]
    created.refresh_from_db()
    assert created.nb_habitants == 9


def test_categories_are_listed_by_contract(client, intervenant_gup, coordinateur_gup, probleme):
    client.force_login(coordinateur_gup)
    rows = client.get(f"{BASE}/categories/").json()["results"]
    assert [(r["code"], r["organisation_responsable_nom"]) for r in rows] == [
        ("parties_communes", "Habitat Audois")
    ]
