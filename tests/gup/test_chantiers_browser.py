"""The chantiers tremplin in the system Chromium: axe-core finds nothing to fix on the list,
the form with its errors and the bilan, whose chart is drawn from the static files."""

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
from tests.gup.factories import ChantierFactory
from tests.programmation.factories import QuartierFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coordination(db):
    contrat = factories.ContratFactory(nom="Contrat de ville de Carcassonne Agglo")
    regie = factories.OrganisationFactory(nom="Régie de quartier de Carcassonne")
    la_conte = QuartierFactory(contrat=contrat, nom="La Conte")
    viguier = QuartierFactory(contrat=contrat, nom="Le Viguier")
    ChantierFactory(
        quartier=la_conte, annee=2025, intitule="Peinture des halls", operateur=regie,
        participants=10, femmes=4, hommes=6, residents_qpv=8, sorties_emploi=3,
    )  # fmt: skip
    ChantierFactory(
        quartier=viguier, annee=2026, intitule="Rénovation des caves", operateur=regie,
        participants=12, femmes=6, hommes=6, residents_qpv=10, sorties_emploi=4,
    )  # fmt: skip
    return factories.UserFactory(
        email="gup@agglo.fr",
        organisation=contrat.epci,
        roles=[RoleCode.COORDINATEUR_GUP],
        contrats=[contrat],
    )


def test_the_list_is_accessible(page, coordination):  # noqa: F811
    log_in(page, coordination)
    page.goto("/gup/chantiers/")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Chantiers tremplin")
    expect(page.get_by_role("link", name="Peinture des halls")).to_be_visible()
    page.get_by_label("Année").select_option("2026")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("link", name="Rénovation des caves")).to_be_visible()
    expect(page.get_by_role("link", name="Peinture des halls")).to_have_count(0)
    assert_no_axe_violations(page)


def test_the_form_with_errors_is_accessible(page, coordination):  # noqa: F811
    log_in(page, coordination)
    page.goto("/gup/chantiers/nouveau/")

    page.get_by_role("combobox", name="Quartier").select_option(label="La Conte")
    page.get_by_label("Intitulé").fill("Fresque du centre social")
    page.get_by_label("Opérateur").select_option(label="Régie de quartier de Carcassonne")
    page.get_by_label("Participants recrutés").fill("5")
    page.get_by_label("Dont femmes").fill("4")
    page.get_by_label("Dont hommes").fill("3")
    page.get_by_role("button", name="Enregistrer le chantier").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Le chantier n'est pas enregistré")
    expect(page.locator("#id_chantier-femmes_error")).to_have_text(
        "Femmes et hommes (7) dépassent le nombre de participants (5)."
    )
    assert_no_axe_violations(page)


def test_the_bilan_and_its_chart_are_accessible(page, coordination):  # noqa: F811
    log_in(page, coordination)
    page.goto("/gup/chantiers/bilan/")

    table = page.get_by_role("table", name="Bilan par quartier et par année")
    expect(table).to_be_visible()
    expect(table.locator("tfoot")).to_contain_text("22")  # participants: 10 + 12
    # Chart.js drew the bars from the table.
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('graphique-chantiers'))"
    )
    assert page.evaluate(
        "() => Chart.getChart(document.getElementById('graphique-chantiers')).data.labels"
    ) == ["Le Viguier 2026", "La Conte 2025"]
    assert_no_axe_violations(page)
