"""CitésLab's activity report in the system Chromium: a partner picks the period, the
tables show masked counts, the charts are drawn and axe-core finds nothing to fix — with the
form's French error too."""

import pytest
from playwright.sync_api import expect

from tests.cdv.test_accessibility import (  # noqa: F401 (fixtures)
    assert_no_axe_violations,
    browser,
    log_in,
    page,
)
from tests.citeslab.test_rapport import jeu  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_has_an_accessible_report_with_charts(page, jeu, lecteur):  # noqa: F811
    log_in(page, lecteur)
    page.goto("/citeslab/rapport/")
    page.get_by_role("textbox", name="Du", exact=True).fill("31/12/2021")
    page.get_by_role("textbox", name="Au", exact=True).fill("01/01/2021")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_text("La date de fin précède la date de début.")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("textbox", name="Du", exact=True).fill("01/01/2021")
    page.get_by_role("textbox", name="Au", exact=True).fill("31/12/2021")
    page.get_by_role("button", name="Afficher").click()
    entonnoir = page.get_by_role("table", name="Tableau — Du premier contact à la création")
    # 4 people touched, 2 accompanied (masked « < 3 » for a partner).
    expect(entonnoir.get_by_role("row", name="Personnes touchées")).to_contain_text("4")
    expect(entonnoir.get_by_role("row", name="Personnes accompagnées")).to_contain_text("< 3")
    sexe = page.get_by_role("table", name="Tableau — Par sexe")
    expect(sexe.get_by_role("row", name="Femme")).to_contain_text("secret")
    expect(page.get_by_role("link", name="Télécharger le rapport Excel")).to_be_visible()
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector("
        "'canvas[data-repartition=\"entonnoir\"]'))"
        " && Chart.getChart(document.querySelector('canvas[data-repartition=\"residence\"]'))"
    )
    assert_no_axe_violations(page)
