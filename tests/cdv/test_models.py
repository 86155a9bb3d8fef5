import pytest
from django.core.exceptions import ValidationError

from cdv.enums import NiveauObjectif
from cdv.models import Contrat, Organisation, Role
from tests import factories


def test_it_creates_the_fixed_roles(db):
    assert Role.objects.count() == 9


def test_it_scopes_contracts_to_the_users_contracts(agent_agglo, agent_autre_contrat, contrat):
    assert list(Contrat.objects.for_user(agent_agglo)) == [contrat]


def test_it_rejects_an_invalid_siret(db):
    org = factories.OrganisationFactory.build(siret="12345678901234")
    with pytest.raises(ValidationError) as exc:
        org.full_clean()
    assert "SIRET" in exc.value.message_dict["siret"][0]


def test_it_rejects_an_operational_objective_without_orientation(db):
    pilier = factories.PilierFactory()
    objectif = factories.ObjectifFactory.build(pilier=pilier, niveau=NiveauObjectif.OPERATIONNEL)
    with pytest.raises(ValidationError):
        objectif.full_clean()


def test_porteur_sees_only_its_organisation(porteur, outsider):
    assert list(Organisation.objects.for_user(porteur)) == [porteur.organisation]
