"""Open311 over real HTTP: an httpx client against the running live server, as a partner
system would call it."""

import xml.etree.ElementTree as ET

import httpx
import pytest
from rest_framework.authtoken.models import Token

from gup.enums import SourceSignalement
from gup.models import Signalement
from quartiers.geojson import rectangle
from tests.gup.factories import CategorieFactory
from tests.programmation.factories import QuartierFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def api(live_server):
    with httpx.Client(base_url=f"{live_server.url}/open311/v2/", timeout=10) as client:
        yield client


@pytest.fixture
def cle(coordinateur_gup, contrat, intervenant_ville):
    QuartierFactory(contrat=contrat, nom="La Conte", perimetre=rectangle(2.36, 43.20, 2.38, 43.22))
    CategorieFactory(
        contrat=contrat, code="encombrants", libelle="Encombrants et dépôts sauvages",
        organisation_responsable=intervenant_ville.organisation,
    )  # fmt: skip
    return Token.objects.create(user=coordinateur_gup).key


def test_a_partner_system_discovers_posts_and_reads_back(api, cle, live_server):
    discovery = api.get("discovery.json")
    assert discovery.status_code == 200
    base = discovery.json()["endpoints"][0]["url"]
    assert base == f"{live_server.url}/open311/v2/"

    services = api.get("services.xml", params={"jurisdiction_id": "CN01102I"})
    assert services.headers["content-type"] == "text/xml; charset=utf-8"
    codes = [s.findtext("service_code") for s in ET.fromstring(services.content)]
    assert codes == ["encombrants"]

    posted = api.post(
        "requests.json",
        data={
            "api_key": cle, "jurisdiction_id": "CN01102I", "service_code": "encombrants",
            "lat": "43.2101", "long": "2.3702", "description": "Matelas au pied de la tour 4",
            "email": "ines@exemple.fr",
        },
    )  # fmt: skip
    assert posted.status_code == 201
    identifiant = posted.json()[0]["service_request_id"]
    signalement = Signalement.objects.get(pk=identifiant)
    assert signalement.source == SourceSignalement.API and signalement.quartier.nom == "La Conte"

    liste = api.get("requests.json", params={"jurisdiction_id": "CN01102I", "status": "open"})
    assert [r["service_request_id"] for r in liste.json()] == [identifiant]
    # Until the coordination has moderated it, what was typed stays private.
    assert liste.json()[0]["description"] == "En attente de modération."
    assert "Matelas" not in liste.text
    assert "ines@exemple.fr" not in liste.text

    une = api.get(f"requests/{identifiant}.xml", params={"jurisdiction_id": "CN01102I"})
    demande = ET.fromstring(une.content).find("request")
    assert demande.findtext("service_request_id") == identifiant
    assert demande.findtext("service_code") == "encombrants"
    assert (demande.findtext("lat"), demande.findtext("long")) == ("43.2101", "2.3702")

    refus = api.post("requests.xml", data={"jurisdiction_id": "CN01102I", "api_key": "faux"})
    assert refus.status_code == 403
    assert ET.fromstring(refus.content).findtext("error/code") == "403"
