"""The pathway page and the budget in the system Chromium: axe-core finds nothing to fix."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cdv.enums import RoleCode
from pre.models import BudgetPRE
from tests import factories
from tests.cdv.test_accessibility import (  # noqa: F401 (fixtures)
    assert_no_axe_violations,
    browser,
    log_in,
    page,
)
from tests.pre.factories import EnfantFactory
from tests.pre.factories_parcours import ActionFactory, ParcoursFactory, grille_standard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def referente(db):
    contrat = factories.ContratFactory(nom="Contrat de ville de Carcassonne Agglo")
    return factories.UserFactory(
        email="referente@pre.fr", roles=[RoleCode.REFERENT_PRE], contrats=[contrat]
    )


def test_it_has_an_accessible_pathway_page_and_exit_errors(page, referente):  # noqa: F811
    contrat = referente.contrats.get()
    grille_standard(contrat)
    parcours = ParcoursFactory(
        enfant=EnfantFactory(contrat=contrat, nom="Martinez", prenom="Léa"), referent=referente
    )
    ActionFactory(parcours=parcours)
    ParcoursFactory(en_attente=True, enfant=EnfantFactory(contrat=contrat))
    log_in(page, referente)
    page.goto("/pre/parcours/")
    expect(page.get_by_text("1 parcours actifs sur un plafond de 35")).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(f"/pre/parcours/{parcours.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Parcours de Léa Martinez")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Clore le parcours").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_text("Indiquez le motif de sortie.").first).to_be_visible()
    assert_no_axe_violations(page)


def test_it_has_an_accessible_budget_and_grid(page, referente):  # noqa: F811
    contrat = referente.contrats.get()
    BudgetPRE.objects.create(
        contrat=contrat, annee=datetime.date.today().year,
        financeur=factories.OrganisationFactory(nom="CAF"), montant=Decimal("10000"),
    )  # fmt: skip
    log_in(page, referente)
    page.goto("/pre/budget/")
    expect(page.get_by_role("cell", name="10\u202f000,00\u00a0€").first).to_be_visible()
    assert_no_axe_violations(page)
    grille_standard(contrat)
    page.goto("/pre/grille/")
    expect(page.get_by_role("rowheader", name="à partir de 801 €")).to_be_visible()
    assert_no_axe_violations(page)
