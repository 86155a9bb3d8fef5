"""The contract dashboard in the system Chromium: Chart.js draws every chart from the static
files beside its data table, a figure leads to the page behind it, the filters explain
their errors in French, and axe-core finds nothing to fix."""

import re

import pytest
from playwright.sync_api import expect

from tests.cdv import test_tableau_de_bord
from tests.cdv.test_accessibility import (  # noqa: F401 (fixtures)
    assert_no_axe_violations,
    browser,
    log_in,
    page,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The dataset of the dashboard's tests (figures by hand in its docstring).
jeu = test_tableau_de_bord.jeu
CHARTS = [
    "credits",
    "actions",
    "piliers",
    "quartiers",
    "financeurs",
    "gup",
    "tfpb",
    "pre",
    "citeslab",
]


def test_it_has_an_accessible_dashboard_with_its_charts(page, jeu, agent_agglo):  # noqa: F811
    log_in(page, agent_agglo)
    page.goto("/tableau-de-bord/?annee_min=2024&annee_max=2025")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tableau de bord — Contrat de ville de Carcassonne Agglo"
    )
    page.wait_for_function(
        "ids => window.Chart && ids.every(id => Chart.getChart('graphique-' + id))", arg=CHARTS
    )
    credits = page.get_by_role("table", name="Crédits spécifiques et financements par année")
    expect(credits.get_by_role("row", name="2025")).to_contain_text("14\u202f500,50\u00a0€")
    quartiers = page.get_by_role(
        "table", name="Actions et crédits spécifiques imputés par quartier"
    )
    expect(quartiers.get_by_role("row", name="La Conte")).to_contain_text("25\u202f000,00\u00a0€")
    expect(
        page.get_by_role("table", name="File active, entrées et sorties par année")
    ).to_be_visible()
    assert_no_axe_violations(page)

    # A figure leads to the programming table filtered the same way.
    actions = page.get_by_role("table", name="Actions financées par année")
    actions.get_by_role("row", name="2024").get_by_role("link", name="2").first.click()
    expect(page).to_have_url(re.compile(r"/programmation/actions/\?etat=.*&annee=2024$"))

    # A bad filter: a French message next to the field, no figures.
    page.goto("/tableau-de-bord/?annee_min=2020&annee_max=2025")
    expect(
        page.get_by_text("L'année doit appartenir à la période du contrat (2024–2030).")
    ).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text(
        "Corrigez les filtres pour afficher le tableau de bord."
    )
    assert_no_axe_violations(page)
