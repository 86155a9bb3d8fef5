"""CitésLab's personas: the chargé of the contract and the chargé of another contract."""

import pytest

from cdv.enums import RoleCode
from tests import factories


@pytest.fixture
def charge_citeslab(contrat):
    """The CitésLab project lead of the contract: every CitésLab record of it."""
    return factories.UserFactory(
        email="charge@citeslab.fr", roles=[RoleCode.CHARGE_CITESLAB], contrats=[contrat]
    )


@pytest.fixture
def charge_autre_contrat(autre_contrat):
    """The CitésLab project lead of another agglomeration's contract."""
    return factories.UserFactory(
        email="charge@citeslab-narbonne.fr",
        roles=[RoleCode.CHARGE_CITESLAB],
        contrats=[autre_contrat],
    )
