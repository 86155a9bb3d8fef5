"""No one outside CitésLab ever sees a beneficiary's identity: every route of the project
(pages, API, exports, back office, error pages) is requested as every other role, and
neither her name, first name and contacts nor her notes and business appear in any answer,
in the logs written meanwhile or in the e-mails sent (tests/leaks.py)."""

import datetime
import logging

import pytest

from cdv.enums import RoleCode
from citeslab.enums import Etape
from citeslab.models import EtapeProjet
from tests import factories
from tests.citeslab.factories import (
    BeneficiaireFactory,
    CreationFactory,
    EvenementFactory,
    OrientationFactory,
    ProjetFactory,
    RencontreFactory,
)
from tests.leaks import fermees, parcourir, texte, trouves

pytestmark = pytest.mark.django_db

PK = 987654
IDENTITE = [
    "Ouardighi",
    "Yasmina",
    "06 41 52 63 74",
    "yasmina.o@exemple.fr",
    "Traiteur oriental",
    "Atelier Cèdre",
]
NON_CITESLAB = [
    "agent_agglo",
    "partenaire_etat",
    "lecteur",
    "porteur",
    "outsider",
    "agent_autre_contrat",
    "superuser",
    "coordinateur_gup",
    "intervenant_gup",
    "referent_pre",
    "membre_eps",
    "charge_autre_contrat",
]


@pytest.fixture
def yasmina(contrat, charge_citeslab):
    """Yasmina Ouardighi and her whole file, each record numbered PK: a meeting, a project
    with its history, a referral, the business she created and an event she registered to."""
    beneficiaire = BeneficiaireFactory(
        pk=PK, contrat=contrat, nom="Ouardighi", prenom="Yasmina",
        telephone="06 41 52 63 74", email="yasmina.o@exemple.fr",
    )  # fmt: skip
    RencontreFactory(
        pk=PK, contrat=contrat, beneficiaires=[beneficiaire],
        notes="Yasmina veut ouvrir un traiteur oriental.",
    )  # fmt: skip
    projet = ProjetFactory(
        pk=PK, beneficiaire=beneficiaire, cree=True, idee="Traiteur oriental à La Conte"
    )
    EtapeProjet.objects.create(
        projet=projet, etape=Etape.SENSIBILISE, date=datetime.date(2021, 3, 9),
        auteur=charge_citeslab,
    )  # fmt: skip
    OrientationFactory(pk=PK, projet=projet, commentaire="Prêt d'honneur pour Yasmina")
    CreationFactory(pk=PK, projet=projet, denomination="Atelier Cèdre")
    EvenementFactory(pk=PK, contrat=contrat, inscrits=[beneficiaire])
    return beneficiaire


def test_the_sentinels_are_seen_by_the_citeslab_staff(client, yasmina, charge_citeslab):
    """The control: CitésLab's routes, aimed at the fixture's records, open for its staff,
    and show what the other roles must not see."""
    client.force_login(charge_citeslab)
    assert fermees(client, module="citeslab", pk=PK) == set()
    assert trouves(texte(client.get(f"/citeslab/beneficiaires/{PK}/")), IDENTITE)
    assert trouves(texte(client.get(f"/api/v1/citeslab/beneficiaires/{PK}/")), IDENTITE)


def test_no_other_role_sees_a_beneficiarys_identity_anywhere(
    client, yasmina, caplog, contrat, request
):
    caplog.set_level(logging.DEBUG)
    users = {name: request.getfixturevalue(name) for name in NON_CITESLAB}
    users["coordinateur_pre"] = factories.UserFactory(
        roles=[RoleCode.REFERENT_PRE], contrats=[contrat]
    )

    leaks, pages = parcourir(
        client, {"anonyme": None, **users}, module="citeslab", pk=PK, secrets=IDENTITE,
        caplog=caplog,
    )  # fmt: skip

    assert leaks == []
    # The walk rendered real pages, not only refusals.
    assert pages > 500
