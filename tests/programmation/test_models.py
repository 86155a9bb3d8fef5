from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from programmation.models import ActionQuartier, Priorite
from tests import factories
from tests.programmation.factories import ActionFactory, AppelFactory, QuartierFactory


def test_an_action_cannot_take_place_in_another_contracts_quartier(contrat, autre_contrat):
    action = ActionFactory(appel__contrat=contrat)
    ailleurs = QuartierFactory(contrat=autre_contrat)

    part = ActionQuartier(action=action, quartier=ailleurs, part=Decimal("100"))

    with pytest.raises(ValidationError) as exc:
        part.full_clean()
    assert exc.value.message_dict["quartier"] == ["Ce quartier relève d'un autre contrat."]


def test_a_priority_names_a_pillar_of_the_calls_contract(contrat, autre_contrat):
    appel = AppelFactory(contrat=contrat)
    priorite = Priorite(appel=appel, pilier=factories.PilierFactory(contrat=autre_contrat))

    with pytest.raises(ValidationError) as exc:
        priorite.full_clean()
    assert exc.value.message_dict["pilier"] == ["Ce pilier appartient à un autre contrat."]
