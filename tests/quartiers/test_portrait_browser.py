"""The portrait of a quartier in the system Chromium: axe-core finds nothing to fix, the
charts and the perimeter's polygon are drawn from the static files."""

import pytest
from playwright.sync_api import expect

from cdv.enums import RoleCode
from quartiers.enums import Sens, Theme, Unite
from quartiers.geojson import rectangle
from quartiers.models import LigneDirectrice
from tests import factories
from tests.cdv.test_accessibility import (  # noqa: F401 (fixtures)
    assert_no_axe_violations,
    browser,
    log_in,
    page,
)
from tests.programmation.factories import AppelFactory, QuartierFactory
from tests.quartiers.factories import IndicateurFactory, TerritoireFactory, ValeurFactory
from tests.quartiers.test_portrait_actions import financer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quartier(db):
    contrat = factories.ContratFactory(nom="Contrat de ville de Carcassonne Agglo")
    epci = TerritoireFactory(kind="epci", code="200035715", nom="CA Carcassonne Agglo")
    commune = TerritoireFactory(code="11069", nom="Carcassonne", parent=epci)
    quartier = QuartierFactory(contrat=contrat, nom="La Conte", code="QP011002", population=2525)
    quartier.territoire.parent = commune
    quartier.territoire.save()
    quartier.perimetre = rectangle(2.3637, 43.2054, 2.3794, 43.2191)
    quartier.perimetre_note = "Approximation : rectangle englobant le quartier."
    quartier.save()
    pauvrete = IndicateurFactory()
    age = IndicateurFactory(
        code="age_0_14", libelle="Part des 0–14 ans", unite=Unite.POURCENTAGE,
        theme=Theme.DEMOGRAPHIE, sens=Sens.NEUTRE,
    )  # fmt: skip
    for territoire, values in [(quartier.territoire, (55, 61, 29)), (commune, (25, 27, 16))]:
        ValeurFactory(territoire=territoire, indicateur=pauvrete, millesime=2015, valeur=values[0])
        ValeurFactory(territoire=territoire, indicateur=pauvrete, millesime=2019, valeur=values[1])
        ValeurFactory(territoire=territoire, indicateur=age, millesime=2017, valeur=values[2])
    ValeurFactory(territoire=epci, indicateur=pauvrete, millesime=2019, valeur=21)
    LigneDirectrice.objects.create(quartier=quartier, annee=2025, enjeux="Décrochage scolaire")
    LigneDirectrice.objects.create(quartier=quartier, annee=2024, enjeux="Tranquillité")
    financer(AppelFactory(contrat=contrat, annee=2025), {quartier: 40}, 3000, intitule="Médiation")
    return quartier


def test_it_has_an_accessible_portrait_with_its_map_and_charts(page, quartier):  # noqa: F811
    user = factories.UserFactory(
        email="agent@agglo.fr", roles=[RoleCode.ADMIN_PDV], contrats=[quartier.contrat]
    )
    log_in(page, user)
    page.goto(f"/quartiers/{quartier.pk}/")

    assert page.get_by_role("heading", level=1).inner_text() == "Portrait de La Conte"
    # Leaflet drew the perimeter: one SVG path in the map, and its scale.
    page.wait_for_selector("#carte-perimetre path.leaflet-interactive", state="attached")
    assert page.locator("#carte-perimetre path.leaflet-interactive").count() == 1
    assert page.locator("#carte-perimetre .leaflet-control-scale").count() == 1
    # Its popup sums up the funded actions of the year and links to their table.
    page.locator("#carte-perimetre path.leaflet-interactive").click()
    popup = page.locator("#carte-perimetre .leaflet-popup")
    expect(popup.get_by_role("button", name="Fermer")).to_be_visible()
    lien = popup.get_by_role("link", name="1 action financée en 2025")
    expect(lien).to_have_text(
        "1 action financée en 2025 : 1\u202f200,00\u00a0€ imputés au quartier"
    )
    lien.click()
    expect(page.get_by_role("heading", name="Actions financées en 2025")).to_be_in_viewport()
    # Chart.js drew the age structure and the poverty evolution.
    page.wait_for_function(
        "() => window.Chart && Chart.getChart('graphique-ages') && "
        "Chart.getChart('graphique-taux_pauvrete')"
    )
    assert_no_axe_violations(page)


def test_it_has_accessible_list_and_guidelines_form_with_errors(page, quartier):  # noqa: F811
    user = factories.UserFactory(
        email="agent@agglo.fr", roles=[RoleCode.ADMIN_PDV], contrats=[quartier.contrat]
    )
    log_in(page, user)
    page.goto("/quartiers/")
    expect(page.get_by_role("link", name="La Conte")).to_be_visible()
    # The map of the contract's perimeters: a popup leads to each portrait.
    page.locator("#carte-perimetre path.leaflet-interactive").click()
    expect(page.locator(".leaflet-popup").get_by_role("link")).to_have_text("Portrait de La Conte")
    assert_no_axe_violations(page)
    page.goto("/quartiers/ecarts/")
    expect(page.get_by_role("cell", name="+34 pts").first).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(f"/quartiers/{quartier.pk}/lignes-directrices/2025/")
    page.get_by_label("Enjeux").fill("")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_no_axe_violations(page)
