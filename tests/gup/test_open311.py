"""Open311 GeoReport v2: discovery, services, requests (search, one, creation), in XML
(parsed back with ElementTree) and JSON, with the spec's errors."""

import datetime
import json
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from cdv.enums import RoleCode
from gup import services
from gup.enums import EtatSignalement, SourceSignalement
from gup.models import EvenementSignalement, Signalement
from quartiers.geojson import rectangle
from tests import factories
from tests.gup.factories import CategorieFactory, SignalementFactory
from tests.programmation.factories import QuartierFactory

pytestmark = pytest.mark.django_db
E = EtatSignalement
BASE = "/open311/v2"
PARIS = datetime.timezone(datetime.timedelta(hours=2))


@pytest.fixture
def conte(contrat):
    return QuartierFactory(
        contrat=contrat, nom="La Conte", code="QN01101M",
        perimetre=rectangle(2.36, 43.20, 2.38, 43.22),
    )  # fmt: skip


@pytest.fixture
def viguier(contrat):
    return QuartierFactory(
        contrat=contrat, nom="Viguier", code="QN01102M",
        perimetre=rectangle(2.33, 43.20, 2.35, 43.22),
    )  # fmt: skip


@pytest.fixture
def eclairage(contrat, intervenant_ville):
    return CategorieFactory(
        contrat=contrat, code="eclairage", libelle="Éclairage public", ordre=1,
        description="Lampadaire éteint, candélabre abîmé.",
        organisation_responsable=intervenant_ville.organisation,
    )  # fmt: skip


@pytest.fixture
def proprete(contrat):
    return CategorieFactory(contrat=contrat, code="proprete", libelle="Propreté", ordre=2)


@pytest.fixture
def cle(coordinateur_gup):
    return Token.objects.create(user=coordinateur_gup).key


def xml(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return ET.fromstring(response.content)


def jsn(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def test_discovery_in_both_formats(client):
    racine = xml(client.get(f"{BASE}/discovery.xml"))
    assert racine.tag == "discovery"
    assert [e.tag for e in racine] == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = racine.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2/"
    assert endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]

    data = jsn(client.get(f"{BASE}/discovery.json"))
    assert data["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert data["endpoints"][0]["url"] == "http://testserver/open311/v2/"


def test_services_are_the_active_categories_of_the_jurisdiction(
    client, contrat, autre_contrat, eclairage, proprete
):
    CategorieFactory(contrat=contrat, code="archivee", active=False)
    CategorieFactory(contrat=autre_contrat, code="ailleurs")
    racine = xml(client.get(f"{BASE}/services.xml", {"jurisdiction_id": "CN01102I"}))
    assert racine.tag == "services"
    premier = racine.find("service")
    assert {e.tag: e.text for e in premier} == {
        "service_code": "eclairage",
        "service_name": "Éclairage public",
        "description": "Lampadaire éteint, candélabre abîmé.",
        "metadata": "false",
        "type": "realtime",
        "keywords": None,
        "group": "Ville de Carcassonne",
    }
    data = jsn(client.get(f"{BASE}/services.json", {"jurisdiction_id": "CN01102I"}))
    assert [s["service_code"] for s in data] == ["eclairage", "proprete"]
    assert data[0]["metadata"] is False and data[1]["group"] == "Gestion urbaine de proximité"


def test_a_service_definition_has_no_attribute(client, contrat, eclairage):
    racine = xml(client.get(f"{BASE}/services/eclairage.xml", {"jurisdiction_id": "CN01102I"}))
    assert racine.tag == "service_definition"
    assert racine.findtext("service_code") == "eclairage" and list(racine.find("attributes")) == []
    data = jsn(client.get(f"{BASE}/services/eclairage.json", {"jurisdiction_id": "CN01102I"}))
    assert data == {"service_code": "eclairage", "attributes": []}
    inconnu = client.get(f"{BASE}/services/graffitis.json", {"jurisdiction_id": "CN01102I"})
    assert inconnu.status_code == 404


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({}, 400, "jurisdiction_id est obligatoire"),
        ({"jurisdiction_id": ""}, 400, "jurisdiction_id est obligatoire"),
        ({"jurisdiction_id": "CN99999Z"}, 404, "Juridiction inconnue : CN99999Z."),
    ],
)
def test_the_jurisdiction_is_required_and_known(client, contrat, params, status, message):
    response = client.get(f"{BASE}/services.xml", params)
    assert response.status_code == status
    racine = xml(response)
    assert racine.tag == "errors"
    erreur = racine.find("error")
    assert erreur.findtext("code") == str(status) and message in erreur.findtext("description")
    data = jsn(client.get(f"{BASE}/requests.json", params))
    assert data[0]["code"] == status and message in data[0]["description"]


# GET /requests ---------------------------------------------------------------------------


@pytest.fixture
def historique(conte, eclairage, proprete, coordinateur_gup, autre_contrat):
    """Three reports of the contract over time, one of another contract."""
    maintenant = datetime.datetime.now(tz=datetime.UTC)
    ouvert = SignalementFactory(
        quartier=conte, categorie=eclairage, signale_le=maintenant - datetime.timedelta(days=2),
        latitude="43.210000", longitude="2.370000", email_signalant="ines@exemple.fr",
        auteur=coordinateur_gup, organisation_responsable=eclairage.organisation_responsable,
    )  # fmt: skip
    resolu = SignalementFactory(
        quartier=conte, categorie=proprete, signale_le=maintenant - datetime.timedelta(days=10)
    )
    services.signalement_transition(
        signalement=resolu, user=coordinateur_gup, code="clore_sans_suite", commentaire="Vu"
    )
    ancien = SignalementFactory(
        quartier=conte, categorie=eclairage, signale_le=maintenant - datetime.timedelta(days=200)
    )
    SignalementFactory(quartier=QuartierFactory(contrat=autre_contrat))
    return ouvert, resolu, ancien


def ids(data):
    return [int(r["service_request_id"]) for r in data]


def test_requests_default_to_the_last_90_days_newest_first(client, historique):
    ouvert, resolu, _ = historique
    data = jsn(client.get(f"{BASE}/requests.json", {"jurisdiction_id": "CN01102I"}))
    assert ids(data) == [ouvert.pk, resolu.pk]
    premier = data[0]
    assert premier["status"] == "open" and premier["status_notes"] == "Nouveau"
    assert premier["service_code"] == "eclairage" and premier["service_name"] == "Éclairage public"
    assert premier["agency_responsible"] == "Ville de Carcassonne"
    assert (premier["lat"], premier["long"]) == (43.21, 2.37)
    assert premier["quartier"] == "La Conte" and premier["quartier_code"] == "QN01101M"
    # W3C datetimes in the platform's time zone, with their offset.
    attendu = timezone.localtime(ouvert.signale_le).isoformat(timespec="seconds")
    assert premier["requested_datetime"] == attendu and attendu[-6:] in ("+01:00", "+02:00")
    echeance = timezone.make_aware(datetime.datetime.combine(ouvert.echeance, datetime.time.min))
    assert premier["expected_datetime"] == echeance.isoformat(timespec="seconds")
    assert premier["expected_datetime"].startswith(f"{ouvert.echeance.isoformat()}T00:00:00")
    assert data[1]["status"] == "closed" and data[1]["status_notes"] == "Clos sans suite"
    contenu = json.dumps(data)
    assert "ines@exemple.fr" not in contenu and "email" not in contenu and "auteur" not in contenu


def test_requests_in_xml(client, historique):
    ouvert, resolu, _ = historique
    racine = xml(client.get(f"{BASE}/requests.xml", {"jurisdiction_id": "CN01102I"}))
    assert racine.tag == "service_requests"
    demandes = racine.findall("request")
    assert [int(d.findtext("service_request_id")) for d in demandes] == [ouvert.pk, resolu.pk]
    assert demandes[0].findtext("lat") == "43.21" and demandes[0].findtext("status") == "open"
    resolu.refresh_from_db()
    attendu = timezone.localtime(resolu.clos_le).isoformat(timespec="seconds")
    assert demandes[1].findtext("updated_datetime") == attendu


@pytest.mark.parametrize(
    ("params", "attendus"),
    [
        ({"status": "open"}, ["ouvert"]),
        ({"status": "closed"}, ["resolu"]),
        ({"status": "open,closed"}, ["ouvert", "resolu"]),
        ({"service_code": "proprete"}, ["resolu"]),
        ({"service_code": "eclairage,proprete"}, ["ouvert", "resolu"]),
        ({"status": ""}, ["ouvert", "resolu"]),
    ],
)
def test_requests_filters(client, historique, params, attendus):
    ouvert, resolu, ancien = historique
    noms = {"ouvert": ouvert.pk, "resolu": resolu.pk}
    data = jsn(client.get(f"{BASE}/requests.json", {"jurisdiction_id": "CN01102I", **params}))
    assert ids(data) == [noms[n] for n in attendus]


def test_dates_select_a_window_of_at_most_90_days(client, historique):
    ouvert, resolu, ancien = historique
    debut = (ancien.signale_le - datetime.timedelta(days=1)).astimezone(PARIS)
    fin = debut + datetime.timedelta(days=30)
    data = jsn(client.get(f"{BASE}/requests.json", {
        "jurisdiction_id": "CN01102I", "start_date": debut.isoformat(), "end_date": fin.isoformat(),
    }))  # fmt: skip
    assert ids(data) == [ancien.pk]
    trop = client.get(f"{BASE}/requests.json", {
        "jurisdiction_id": "CN01102I", "start_date": "2025-01-01T00:00:00Z",
        "end_date": "2025-12-31T00:00:00Z",
    })  # fmt: skip
    assert trop.status_code == 400 and "90 jours" in jsn(trop)[0]["description"]
    faux = client.get(
        f"{BASE}/requests.json", {"jurisdiction_id": "CN01102I", "start_date": "hier"}
    )
    assert faux.status_code == 400


def test_service_request_id_overrides_the_other_filters(client, historique):
    ouvert, resolu, ancien = historique
    data = jsn(client.get(f"{BASE}/requests.json", {
        "jurisdiction_id": "CN01102I", "service_request_id": f"{ancien.pk},{resolu.pk}",
        "status": "open",
    }))  # fmt: skip
    assert sorted(ids(data)) == sorted([ancien.pk, resolu.pk])


def test_a_bad_status_is_an_error(client, historique):
    response = client.get(f"{BASE}/requests.json", {"jurisdiction_id": "CN01102I", "status": "x"})
    assert response.status_code == 400


def test_pages_of_requests(client, historique):
    ouvert, resolu, _ = historique
    page = {"jurisdiction_id": "CN01102I", "page_size": "1"}
    assert ids(jsn(client.get(f"{BASE}/requests.json", page))) == [ouvert.pk]
    assert ids(jsn(client.get(f"{BASE}/requests.json", {**page, "page": "2"}))) == [resolu.pk]
    assert jsn(client.get(f"{BASE}/requests.json", {**page, "page": "3"})) == []
    trop = client.get(f"{BASE}/requests.json", {**page, "page_size": "1001"})
    assert trop.status_code == 400


def test_the_list_reads_a_fixed_number_of_queries(
    client, historique, conte, eclairage, django_assert_num_queries
):
    for _ in range(5):
        SignalementFactory(quartier=conte, categorie=eclairage)
    # The jurisdiction; the requests with their category, quartier, body and last step.
    with django_assert_num_queries(2):
        client.get(f"{BASE}/requests.json", {"jurisdiction_id": "CN01102I"})


def test_one_request(client, historique, autre_contrat):
    ouvert, *_ = historique
    data = jsn(client.get(f"{BASE}/requests/{ouvert.pk}.json", {"jurisdiction_id": "CN01102I"}))
    assert ids(data) == [ouvert.pk]
    racine = xml(client.get(f"{BASE}/requests/{ouvert.pk}.xml", {"jurisdiction_id": "CN01102I"}))
    assert racine.find("request/service_request_id").text == str(ouvert.pk)
    # Another jurisdiction does not hold it.
    ailleurs = client.get(f"{BASE}/requests/{ouvert.pk}.json", {"jurisdiction_id": "CN01103I"})
    assert ailleurs.status_code == 404


# POST /requests --------------------------------------------------------------------------


def poster(client, fmt="json", **data):
    return client.post(f"{BASE}/requests.{fmt}", data)


def test_a_partner_system_posts_a_request_that_waits_for_moderation(
    client, cle, coordinateur_gup, conte, viguier, eclairage
):
    response = poster(
        client, api_key=cle, jurisdiction_id="CN01102I", service_code="eclairage",
        lat="43.205", long="2.34", description="Candélabre couché",
        email="ines@exemple.fr", address_string="Rue Buffon",
    )  # fmt: skip
    assert response.status_code == 201
    reponse = jsn(response)
    signalement = Signalement.objects.get()
    assert reponse[0]["service_request_id"] == str(signalement.pk)
    assert "vérifie" in reponse[0]["service_notice"]
    assert signalement.quartier == viguier  # the point is in Viguier's perimeter
    assert signalement.source == SourceSignalement.API and signalement.etat == E.NOUVEAU
    assert signalement.auteur == coordinateur_gup
    assert signalement.email_signalant == "ines@exemple.fr"
    assert signalement.description == "Candélabre couché"


def test_post_answers_in_xml(client, cle, conte, eclairage):
    response = poster(
        client, "xml", api_key=cle, jurisdiction_id="CN01102I", service_code="eclairage",
        lat="43.21", long="2.37",
    )  # fmt: skip
    racine = xml(response)
    assert response.status_code == 201 and racine.tag == "service_requests"
    assert racine.findtext("request/service_request_id") == str(Signalement.objects.get().pk)
    # No description: the service's name stands for it.
    assert Signalement.objects.get().description == "Éclairage public"


def test_an_address_only_goes_to_the_quartier_named_or_the_first_one_flagged(
    client, cle, conte, viguier, eclairage
):
    poster(client, api_key=cle, jurisdiction_id="CN01102I", service_code="eclairage",
           address_string="Place Ozanam", **{"attribute[quartier]": "QN01102M"})  # fmt: skip
    nomme = Signalement.objects.get()
    assert nomme.quartier == viguier
    assert not nomme.evenements.filter(public=False).exists()

    reponse = jsn(poster(client, api_key=cle, jurisdiction_id="CN01102I",
                         service_code="eclairage", address_string="Place Ozanam"))  # fmt: skip
    defaut = Signalement.objects.get(pk=reponse[0]["service_request_id"])
    assert defaut.quartier == conte  # "La Conte" before "Viguier"
    assert "à confirmer" in reponse[0]["service_notice"]
    note = defaut.evenements.get(public=False)
    assert "attribué par défaut" in note.commentaire


def test_media_url_is_kept_as_an_internal_note(client, cle, conte, eclairage):
    poster(client, api_key=cle, jurisdiction_id="CN01102I", service_code="eclairage",
           lat="43.21", long="2.37", media_url="https://exemple.fr/photo.jpg")  # fmt: skip
    note = EvenementSignalement.objects.get(public=False)
    assert "https://exemple.fr/photo.jpg" in note.commentaire


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"api_key": ""}, 403, "api_key est obligatoire"),
        ({"api_key": "faux"}, 403, "api_key invalide"),
        ({"jurisdiction_id": ""}, 400, "jurisdiction_id est obligatoire"),
        ({"jurisdiction_id": "CN99999Z"}, 404, "Juridiction inconnue"),
        ({"service_code": ""}, 400, "service_code est obligatoire"),
        ({"service_code": "graffitis"}, 404, "Service inconnu"),
        ({"lat": "", "long": ""}, 400, "Indiquez la position"),
        ({"long": ""}, 400, "lat et long vont ensemble"),
        ({"lat": "nord"}, 400, "lat : nombre décimal"),
        ({"lat": "95"}, 400, "lat : hors de l'intervalle"),
        ({"lat": "43.5"}, 400, "aucun quartier de ce contrat"),
        ({"description": "x" * 4001}, 400, "4 000 caractères au plus"),
        ({"email": "pas-une-adresse"}, 400, "email : adresse électronique invalide"),
        ({"attribute[quartier]": "Inconnu"}, 400, "quartier inconnu"),
    ],
)
def test_post_errors(client, cle, conte, eclairage, data, status, message):
    valide = {"api_key": cle, "jurisdiction_id": "CN01102I", "service_code": "eclairage",
              "lat": "43.21", "long": "2.37"}  # fmt: skip
    response = poster(client, **{**valide, **data})
    assert response.status_code == status
    erreurs = jsn(response)
    assert erreurs[0]["code"] == status and message in erreurs[0]["description"]
    assert not Signalement.objects.exists()


@pytest.mark.parametrize("role", [RoleCode.ADMIN_PDV, RoleCode.INTERVENANT_GUP])
def test_a_key_without_the_coordination_role_is_refused(client, contrat, conte, eclairage, role):
    user = factories.UserFactory(roles=[role], contrats=[contrat])
    response = poster(client, api_key=Token.objects.create(user=user).key,
                      jurisdiction_id="CN01102I", service_code="eclairage",
                      lat="43.21", long="2.37")  # fmt: skip
    assert response.status_code == 403 and not Signalement.objects.exists()


def test_a_coordinator_of_another_contract_is_refused(client, autre_contrat, conte, eclairage):
    user = factories.UserFactory(roles=[RoleCode.COORDINATEUR_GUP], contrats=[autre_contrat])
    response = poster(client, api_key=Token.objects.create(user=user).key,
                      jurisdiction_id="CN01102I", service_code="eclairage",
                      lat="43.21", long="2.37")  # fmt: skip
    assert response.status_code == 403 and not Signalement.objects.exists()


def test_an_inactive_users_key_is_refused(client, cle, coordinateur_gup, conte, eclairage):
    coordinateur_gup.is_active = False
    coordinateur_gup.save()
    response = poster(client, api_key=cle, jurisdiction_id="CN01102I", service_code="eclairage",
                      lat="43.21", long="2.37")  # fmt: skip
    assert response.status_code == 403


def test_a_script_in_the_description_is_escaped_in_xml(client, cle, conte, eclairage):
    poster(client, api_key=cle, jurisdiction_id="CN01102I", service_code="eclairage",
           lat="43.21", long="2.37", description="<script>alert(1)</script> & \x00fin")  # fmt: skip
    Signalement.objects.update(etat=EtatSignalement.TRANSMIS)  # moderated: now public
    response = client.get(f"{BASE}/requests.xml", {"jurisdiction_id": "CN01102I"})
    assert b"<script>" not in response.content
    assert xml(response).findtext("request/description") == "<script>alert(1)</script> & fin"


def test_what_a_person_typed_stays_private_until_moderated(client, cle, conte, eclairage):
    poster(client, api_key=cle, jurisdiction_id="CN01102I", service_code="eclairage",
           lat="43.21", long="2.37", description="Chez Mme Martin, 3e étage",
           address_string="4 rue Buffon")  # fmt: skip
    url, params = f"{BASE}/requests.json", {"jurisdiction_id": "CN01102I"}
    (attente,) = jsn(client.get(url, params))
    assert attente["description"] == "En attente de modération."
    assert attente["address"] == "" and attente["status"] == "open"
    assert "Martin" not in client.get(f"{BASE}/requests.xml", params).content.decode()
    Signalement.objects.update(etat=EtatSignalement.TRANSMIS)
    (transmis,) = jsn(client.get(url, params))
    assert transmis["description"] == "Chez Mme Martin, 3e étage"
    assert transmis["address"] == "4 rue Buffon"
