"""The open GUP problems of a quartier on its portrait: on the map with a link to each, and
counted under it with the quartier's document de suivi."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from gup.enums import EtatSignalement
from quartiers.geojson import rectangle
from tests import factories
from tests.gup.factories import SignalementFactory
from tests.programmation.factories import QuartierFactory

pytestmark = pytest.mark.django_db
E = EtatSignalement


def carte(html):
    debut = html.split('<script id="perimetres-geojson" type="application/json">', 1)[1]
    return json.loads(debut.split("</script>", 1)[0])


@pytest.fixture
def conte(contrat):
    quartier = QuartierFactory(contrat=contrat, nom="La Conte")
    quartier.perimetre = rectangle(2.36, 43.20, 2.38, 43.22)
    quartier.save()
    return quartier


@pytest.fixture
def problemes(conte, contrat, bailleur):
    """Two open problems (one placed on the map, one with an address only), one solved."""
    place = SignalementFactory(
        quartier=conte, etat=E.TRANSMIS, latitude=Decimal("43.21"), longitude=Decimal("2.37"),
        organisation_responsable=bailleur,
    )  # fmt: skip
    SignalementFactory(quartier=conte, etat=E.EN_COURS, organisation_responsable=bailleur)
    SignalementFactory(
        quartier=conte, etat=E.RESOLU, latitude=Decimal("43.205"), longitude=Decimal("2.365")
    )
    return place


def test_the_portrait_maps_the_open_problems_and_counts_them(
    client, conte, problemes, coordinateur_gup
):
    client.force_login(coordinateur_gup)

    html = client.get(reverse("quartiers:portrait", args=[conte.pk])).content.decode()

    points = [f for f in carte(html)["features"] if f["geometry"]["type"] == "Point"]
    assert [p["geometry"]["coordinates"] for p in points] == [[2.37, 43.21]]
    lien = points[0]["properties"]["lien"]
    assert lien["href"] == reverse("gup:signalement_detail", args=[problemes.pk])
    assert "transmis" in lien["texte"]
    assert "2 signalements ouverts dans le quartier" in html
    assert reverse("gup:suivi_quartier", args=[conte.pk]) in html


def test_a_quartier_of_the_new_geography_shows_the_open_problems_of_the_one_it_replaces(
    client, conte, problemes, coordinateur_gup
):
    nouveau = factories.ContratFactory()
    coordinateur_gup.contrats.add(nouveau)
    successeur = QuartierFactory(contrat=nouveau, nom="La Conte (2024)")
    successeur.remplace.add(conte)
    client.force_login(coordinateur_gup)

    html = client.get(reverse("quartiers:portrait", args=[successeur.pk])).content.decode()

    assert "2 signalements ouverts dans le quartier" in html
    # Without a perimeter of its own, the map still places the problem.
    assert len(carte(html)["features"]) == 1


def test_partners_outside_the_gup_see_no_problem(client, conte, problemes, partenaire_etat):
    client.force_login(partenaire_etat)
    html = client.get(reverse("quartiers:portrait", args=[conte.pk])).content.decode()
    assert "signalement" not in html
    assert all(f["geometry"]["type"] != "Point" for f in carte(html)["features"])
