"""The PRE's statistics in the system Chromium: axe-core finds nothing to fix, the charts
are drawn and small counts show « < 3 »."""

import pytest
from playwright.sync_api import expect

from cdv.enums import RoleCode
from tests import factories
from tests.cdv.test_accessibility import (  # noqa: F401 (fixtures)
    assert_no_axe_violations,
    browser,
    log_in,
    page,
)
from tests.pre.test_stats import jeu  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_has_accessible_statistics_with_charts(page, jeu, contrat):  # noqa: F811
    lecteur = factories.UserFactory(
        email="elu@ville.fr", roles=[RoleCode.LECTEUR_PARTENAIRE], contrats=[contrat]
    )
    log_in(page, lecteur)
    page.goto("/pre/statistiques/?debut=2021&fin=2022")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    table = page.get_by_role("table", name="Tableau — Par sexe")
    expect(table).to_be_visible()
    expect(table.get_by_role("row", name="Fille")).to_contain_text("< 3")
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector("
        "'canvas[data-repartition=\"sexe\"]'))"
    )
    assert_no_axe_violations(page)
