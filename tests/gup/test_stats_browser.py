"""The GUP's statistics and document de suivi in the system Chromium: Chart.js draws the
charts from the static files, each beside its data table, and axe-core finds nothing to
fix."""

import pytest
from playwright.sync_api import expect

from tests.cdv.test_accessibility import (  # noqa: F401 (fixtures)
    assert_no_axe_violations,
    browser,
    log_in,
    page,
)
from tests.gup import test_selectors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The data set of the selectors' tests (hand-computed figures in its docstring).
jeu = test_selectors.jeu


def test_it_has_accessible_statistics_with_their_charts(page, jeu, coordinateur_gup):  # noqa: F811
    log_in(page, coordinateur_gup)
    page.goto("/gup/statistiques/?annee=2026")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Statistiques GUP — Contrat de ville de Carcassonne Agglo"
    )
    page.wait_for_function(
        "() => window.Chart && Chart.getChart('graphique-organisations') && "
        "Chart.getChart('graphique-evolution')"
    )
    tableau = page.get_by_role("table", name="Signalements et délais par organisation responsable")
    ligne = tableau.get_by_role("row", name="Habitat Audois")
    expect(ligne).to_be_visible()
    expect(ligne.get_by_role("cell").nth(4)).to_have_text("5,0")  # median
    expect(
        page.get_by_role("table", name="Signalements et délai médian par année de signalement")
    ).to_be_visible()
    assert_no_axe_violations(page)

    # A bad filter: a French message next to the field, no figures.
    page.goto("/gup/statistiques/?annee=1850")
    expect(page.get_by_text("Choisissez des années de la liste.")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text(
        "Corrigez les filtres pour afficher les statistiques."
    )
    assert_no_axe_violations(page)


def test_it_has_an_accessible_document_de_suivi(page, jeu, coordinateur_gup):  # noqa: F811
    log_in(page, coordinateur_gup)
    page.goto(f"/gup/suivi/quartiers/{jeu['conte'].pk}/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Document de suivi — La Conte")
    tableau = page.get_by_role("table", name="Signalements et leur traitement")
    expect(tableau.get_by_role("row")).to_have_count(6)  # header + 5 problems
    expect(tableau.get_by_role("row", name="Porte du hall cassée")).to_contain_text("Oui, de ")
    page.get_by_label("Année de signalement").select_option("2025")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Document de suivi — La Conte — 2025")
    assert_no_axe_violations(page)
