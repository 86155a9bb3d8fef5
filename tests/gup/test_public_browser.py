"""The residents' pages in the system Chromium: axe-core finds nothing to fix on the report
form (with its errors) and the tracking page; a tap on the map places the point and picks
the quartier."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from gup import services
from gup.enums import SourceSignalement
from gup.models import Signalement
from quartiers.geojson import rectangle
from tests import factories
from tests.cdv.test_accessibility import (  # noqa: F401 (fixtures)
    assert_no_axe_violations,
    browser,
    log_in,
    page,
)
from tests.gup.factories import CategorieFactory
from tests.programmation.factories import QuartierFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def contrat(db):
    cache.clear()
    contrat = factories.ContratFactory(nom="Contrat de ville de Carcassonne Agglo", code="CN01102I")
    QuartierFactory(contrat=contrat, nom="La Conte", perimetre=rectangle(2.36, 43.20, 2.38, 43.22))
    QuartierFactory(contrat=contrat, nom="Viguier", perimetre=rectangle(2.33, 43.20, 2.35, 43.22))
    CategorieFactory(contrat=contrat, code="eclairage", libelle="Éclairage public")
    return contrat


def test_the_report_form_with_its_errors_is_accessible(page, contrat):  # noqa: F811
    page.goto("/gup/signaler/?contrat=CN01102I")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Signaler un problème dans mon quartier"
    )
    # Leaflet drew the two perimeters, without tiles.
    expect(page.locator("#carte-signalement path.leaflet-interactive")).to_have_count(2)
    assert page.locator("#carte-signalement .leaflet-tile").count() == 0
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.get_by_text("Décrivez le problème en quelques mots.").last).to_be_visible()
    assert_no_axe_violations(page)
    assert not Signalement.objects.exists()


def test_a_tap_on_the_map_picks_the_quartier_and_the_report_is_sent(page, contrat):  # noqa: F811
    dialogues = []
    page.on("dialog", lambda d: (dialogues.append(d.message), d.dismiss()))
    page.goto("/gup/signaler/?contrat=CN01102I")
    page.get_by_label("Type de problème").select_option(label="Éclairage public")
    page.get_by_label("Description du problème").fill("<script>alert(1)</script> Lampadaire")
    carte = page.locator("#carte-signalement")
    expect(carte.locator("path.leaflet-interactive")).to_have_count(2)
    # The perimeters in the order of their names: La Conte, then Viguier. Tap Viguier's.
    viguier = carte.locator("path.leaflet-interactive").nth(1)
    boite = viguier.bounding_box()
    viguier.click(position={"x": boite["width"] / 2, "y": boite["height"] * 3 / 4})
    expect(page.locator("#point-choisi")).to_have_text("Point placé dans le quartier Viguier.")
    assert page.locator("#id_quartier").evaluate("s => s.selectedOptions[0].text") == "Viguier"
    page.get_by_role("button", name="Envoyer le signalement").click()

    page.wait_for_url("**/gup/suivi/**")
    signalement = Signalement.objects.get()
    assert signalement.quartier.nom == "Viguier" and signalement.latitude is not None
    expect(page.get_by_text("Votre signalement est enregistré.")).to_be_visible()
    expect(page.get_by_text("<script>alert(1)</script> Lampadaire")).to_be_visible()
    assert dialogues == []  # the script typed in stayed text


def test_the_tracking_page_of_a_solved_problem_is_accessible(page, contrat):  # noqa: F811
    coordination = factories.UserFactory(
        email="gup@agglo.fr", roles=["coordinateur_gup"], contrats=[contrat]
    )
    signalement, _ = services.signalement_create(
        quartier=contrat.quartiers.get(nom="La Conte"),
        categorie=contrat.categories_gup.get(),
        source=SourceSignalement.HABITANT,
        description="Lampadaire éteint",
        adresse="12 rue Buffon",
        organisation_responsable=factories.OrganisationFactory(nom="Ville de Carcassonne"),
    )
    for code in ("transmettre", "resoudre"):
        services.signalement_transition(signalement=signalement, user=coordination, code=code)
    page.goto(f"/gup/suivi/{signalement.jeton_suivi}/")
    expect(page.get_by_role("heading", name="Le problème est-il vraiment réglé ?")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Non, pas encore").click()
    expect(page.get_by_text("la coordination est prévenue que le problème")).to_be_visible()
    assert_no_axe_violations(page)
    signalement.refresh_from_db()
    assert signalement.resolution_confirmee is False


def test_the_moderation_page_is_accessible(page, contrat):  # noqa: F811
    coordination = factories.UserFactory(
        email="gup@agglo.fr", roles=["coordinateur_gup"], contrats=[contrat]
    )
    signalement, _ = services.signalement_create(
        quartier=contrat.quartiers.get(nom="La Conte"),
        categorie=contrat.categories_gup.get(),
        source=SourceSignalement.HABITANT,
        description="Dépôt sauvage au pied de la tour",
        adresse="12 rue Buffon",
    )
    log_in(page, coordination)
    page.goto("/gup/moderation/")
    expect(page.get_by_role("heading", name=f"N° {signalement.pk}", exact=False)).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Clore sans suite").check()
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("Expliquez pourquoi le signalement est clos.").last).to_be_visible()
    assert_no_axe_violations(page)
