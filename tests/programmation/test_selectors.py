"""The figures of an action's budget, on a dataset added up by hand."""

from decimal import Decimal

import pytest

from programmation import selectors
from programmation.enums import NatureFinancement
from tests import factories
from tests.programmation.factories import ActionFactory, FinancementFactory, LigneBudgetFactory

D = Decimal


@pytest.fixture
def action(db):
    action = ActionFactory()
    agglo = action.appel.contrat.epci
    etat = factories.OrganisationFactory(etat=True)
    for compte, prevu, realise, financeur in [
        ("60", "1200.50", "1100", None),
        ("61", "800", None, None),
        ("64", "5000", "5200.25", None),
        ("CI", "300", "300", None),
        ("86", "750", "600", None),
        ("70", "1000", "900", None),
        ("74", "4000", "4000", agglo),
        ("74", "2000", None, etat),
        ("75", "300.50", "0", None),
        ("87", "750", "650", None),
    ]:
        LigneBudgetFactory(
            action=action,
            compte=compte,
            montant_previsionnel=D(prevu),
            montant_realise=D(realise) if realise is not None else None,
            financeur=financeur,
        )
    FinancementFactory(action=action, financeur=agglo, montant_demande=D("4000"))
    FinancementFactory(action=action, financeur=etat, montant_demande=D("2000"))
    FinancementFactory(
        action=action,
        financeur=etat,
        nature=NatureFinancement.DROIT_COMMUN,
        montant_demande=D("1500.25"),
    )
    # Another action's figures never leak in.
    autre = ActionFactory(appel=action.appel)
    LigneBudgetFactory(action=autre, compte="64", montant_previsionnel=D("99999"))
    LigneBudgetFactory(action=autre, compte="87", montant_previsionnel=D("99999"))
    FinancementFactory(action=autre, montant_demande=D("99999"))
    return action


def test_forecast_totals_keep_in_kind_contributions_apart(action, django_assert_num_queries):
    with django_assert_num_queries(1):  # one aggregate over the action's lines
        totaux = selectors.budget_totaux(action)

    # Charges 1 200,50 + 800 + 5 000 + 300 (indirect); produits 1 000 + 4 000 + 2 000 + 300,50.
    assert totaux == selectors.TotauxBudget(
        charges=D("7300.50"),
        produits=D("7300.50"),
        charges_en_nature=D("750.00"),
        produits_en_nature=D("750.00"),
    )
    assert totaux.equilibre


def test_realised_totals_count_only_the_lines_filled_in(action):
    totaux = selectors.budget_totaux(action, field="montant_realise")

    # Charges 1 100 + 5 200,25 + 300 (61 not filled); produits 900 + 4 000 + 0 (État not filled).
    assert totaux == selectors.TotauxBudget(
        charges=D("6600.25"),
        produits=D("4900.00"),
        charges_en_nature=D("600.00"),
        produits_en_nature=D("650.00"),
    )
    assert not totaux.equilibre


def test_in_kind_imbalance_alone_unbalances_the_budget(action):
    action.lignes_budget.filter(compte="87").update(montant_previsionnel=D("700"))

    totaux = selectors.budget_totaux(action)

    assert (totaux.charges, totaux.produits) == (D("7300.50"), D("7300.50"))
    assert not totaux.equilibre


def test_an_empty_budget_is_zero_everywhere(db):
    totaux = selectors.budget_totaux(ActionFactory())

    assert totaux == selectors.TotauxBudget(D("0"), D("0"), D("0"), D("0"))
    assert totaux.equilibre


def test_the_amount_requested_adds_every_funder_and_kind_of_credit(action):
    # 4 000 (agglo) + 2 000 (État, specific credits) + 1 500,25 (État, ordinary budget).
    assert selectors.montant_demande_total(action) == D("7500.25")


def test_nothing_requested_is_zero(db):
    assert selectors.montant_demande_total(ActionFactory()) == D("0.00")
