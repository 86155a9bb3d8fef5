from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from programmation import services
from programmation.enums import EtatAction
from tests.programmation.factories import ActionCompleteFactory


def test_a_complete_application_is_deposited(porteur):
    action = ActionCompleteFactory(porteur=porteur.organisation)

    services.action_transition(action=action, code="deposer", user=porteur)

    action.refresh_from_db()
    assert action.etat == EtatAction.DEPOSEE
    assert action.transitions.get().etat_avant == EtatAction.BROUILLON


def test_an_unbalanced_budget_is_refused_with_its_totals(porteur):
    action = ActionCompleteFactory(porteur=porteur.organisation)
    action.lignes_budget.filter(compte="70").update(montant_previsionnel=Decimal("3500"))

    with pytest.raises(ValidationError) as exc:
        services.action_transition(action=action, code="deposer", user=porteur)

    assert exc.value.message_dict["budget"] == [
        "Le budget n'est pas équilibré : 10\u202f000,00\u00a0€ de charges pour "
        "9\u202f500,00\u00a0€ de produits."
    ]
    action.refresh_from_db()
    assert action.etat == EtatAction.BROUILLON
