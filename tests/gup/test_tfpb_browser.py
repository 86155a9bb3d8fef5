"""The TFPB pages in the system Chromium: axe-core finds nothing to fix on the list, the
convention page, an entry form with its errors and the bilan, whose chart Chart.js draws
from the static files."""

import importlib

import pytest
from django.apps import apps
from playwright.sync_api import expect

from tests.cdv.test_accessibility import (  # noqa: F401 (fixtures)
    assert_no_axe_violations,
    browser,
    log_in,
    page,
)
from tests.gup import test_tfpb

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
jeu = test_tfpb.jeu


@pytest.fixture(autouse=True)
def _axes(transactional_db):
    """The flush after each transactional test empties the axes: load them again."""
    importlib.import_module("gup.migrations.0002_axes_tfpb").create(apps, None)


def test_it_has_accessible_tfpb_pages_and_a_drawn_chart(page, jeu, coordinateur_gup):  # noqa: F811
    log_in(page, coordinateur_gup)

    page.goto("/gup/tfpb/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Abattement de TFPB — Contrat de ville de Carcassonne Agglo"
    )
    expect(page.get_by_role("link", name="Habitat Audois")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Habitat Audois").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Convention TFPB — Habitat Audois (2024-2030)"
    )
    tags = page.get_by_role("row", name="Enlèvement des tags")
    expect(tags).to_contain_text("non renseigné")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Saisir les abattements 2025").click()
    page.get_by_role("spinbutton", name="Année").fill("2031")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#id_annee_error")).to_have_text(
        "L'année doit être comprise dans la période de la convention (2024-2030)."
    )
    assert_no_axe_violations(page)

    page.goto("/gup/tfpb/bilan/?annee=2025")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bilan de l'abattement TFPB 2025")
    page.wait_for_function("() => window.Chart && Chart.getChart('graphique-tfpb')")
    assert page.evaluate("Chart.getChart('graphique-tfpb').data.datasets.length") == 2
    expect(
        page.get_by_role("table", name="Valeurs du graphique : abattement et réalisé par année")
    ).to_be_visible()
    assert_no_axe_violations(page)


def test_a_landlord_enters_an_action_from_its_convention(page, jeu, intervenant_gup):  # noqa: F811
    log_in(page, intervenant_gup)
    page.goto(f"/gup/tfpb/{jeu.habitat.pk}/")
    page.get_by_role("link", name="Ajouter une action").click()
    page.get_by_role("combobox", name="Quartier").select_option(label="Le Viguier")
    page.get_by_label("Année").fill("2026")
    page.get_by_label("Axe du cadre national").select_option(
        label="4. Gestion des déchets, encombrants et épaves"
    )
    page.get_by_label("Intitulé").fill("Enlèvement des encombrants")
    page.get_by_label("Montant prévu (en euros)").fill("1 234,56")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("row", name="Enlèvement des encombrants")).to_contain_text(
        "1\u202f234,56\u00a0€"
    )
    assert_no_axe_violations(page)
