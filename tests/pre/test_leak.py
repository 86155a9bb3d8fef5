"""No one outside the PRE ever sees a child's identity: every route of the project (pages,
API, exports, back office, error pages) is requested as every other role, and neither the
child's name, first name and birth date nor its guardian's contacts appear in any answer,
in the logs written meanwhile or in the e-mails sent.

Every PRE record of the fixture has the same number, PK: the PRE's routes (pages, API,
back office) are requested with it, the others with their sample URL (tests/routes.py)."""

import datetime
import logging
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from cdv.enums import RoleCode
from pre.enums import DecisionEPS, EtatParcours
from pre.models import (
    BudgetPRE,
    Consentement,
    JournalAcces,
    ResponsableLegal,
    RevueParcours,
    SituationCommission,
)
from tests import factories
from tests.leaks import fermees, parcourir, texte, trouves
from tests.pre.factories import CommissionFactory, EnfantFactory, EquipeFactory, ReperageFactory
from tests.pre.factories_parcours import ActionFactory, ParcoursFactory, grille_standard
from tests.programmation.factories import QuartierFactory

pytestmark = pytest.mark.django_db

PK = 987654

# What must never leave the PRE, in every form a page, a JSON body or a workbook prints it.
IDENTITE = [
    "Quenouillard",
    "Zéphyrine",
    "Z\\u00e9phyrine",
    "Anatole",
    "09/07/2014",
    "2014-07-09",
    "9 juillet 2014",
    "06 98 76 54 32",
    "anatole.q@exemple.fr",
    "Glycines",
]
NON_PRE = [
    "agent_agglo",
    "partenaire_etat",
    "lecteur",
    "porteur",
    "outsider",
    "agent_autre_contrat",
    "superuser",
    "coordinateur_gup",
    "intervenant_gup",
    "intervenant_ville",
]


@pytest.fixture
def zephyrine(contrat, coordinateur_pre, referent_pre, membre_eps):
    """Zéphyrine Quenouillard and her whole file, each record numbered PK: her
    father, his consent, a referral examined by the member's commission, whose minutes name
    her, a pathway with an action and a review, the budget and the log of reads."""
    grille_standard(contrat)
    enfant = EnfantFactory(
        pk=PK, contrat=contrat, nom="Quenouillard", prenom="Zéphyrine",
        date_naissance=datetime.date(2014, 7, 9), quartier=QuartierFactory(contrat=contrat),
    )  # fmt: skip
    ResponsableLegal.objects.create(
        pk=PK, enfant=enfant, lien="pere", nom="Quenouillard", prenom="Anatole",
        telephone="06 98 76 54 32", email="anatole.q@exemple.fr",
        adresse="4 rue des Glycines", quotient_familial=650,
    )  # fmt: skip
    Consentement.objects.create(
        pk=PK, enfant=enfant, date=datetime.date(2024, 8, 30), type_mime="application/pdf",
        document=ContentFile(b"%PDF-1.4 Zephyrine Quenouillard", name="accord.pdf"),
    )  # fmt: skip
    reperage = ReperageFactory(
        pk=PK, enfant=enfant, date=datetime.date(2024, 6, 3), commentaire="Zéphyrine s'isole."
    )
    commission = CommissionFactory(
        pk=PK,
        equipe=EquipeFactory(pk=PK, contrat=contrat, membres=[membre_eps, referent_pre]),
        date=datetime.date(2024, 6, 20),
        compte_rendu="Zéphyrine Quenouillard : entrée en parcours.",
    )
    SituationCommission.objects.create(
        pk=PK, commission=commission, reperage=reperage, decision=DecisionEPS.ENTREE,
        commentaire="Le père, Anatole, est d'accord.",
    )  # fmt: skip
    parcours = ParcoursFactory(
        pk=PK, enfant=enfant, reperage=reperage, referent=referent_pre, etat=EtatParcours.ACTIF,
        date_inscription=datetime.date(2024, 6, 20), date_entree=datetime.date(2024, 9, 2),
        objectifs="Zéphyrine reprend confiance en classe.",
    )  # fmt: skip
    ActionFactory(pk=PK, parcours=parcours, intitule="Orthophonie de Zéphyrine")
    RevueParcours.objects.create(
        pk=PK, parcours=parcours, date=datetime.date(2025, 1, 15), contenu="Zéphyrine progresse.",
        auteur=referent_pre,
    )  # fmt: skip
    BudgetPRE.objects.create(
        contrat=contrat, annee=2025, financeur=factories.OrganisationFactory(nom="CAF"),
        montant=Decimal("20000"),
    )  # fmt: skip
    JournalAcces.objects.create(
        contrat=contrat, utilisateur=referent_pre, enfant_numero=enfant.pk, objet="fiche"
    )
    # An EPS member of another team, with its own child on its own agenda.
    autre_membre = factories.UserFactory(roles=[RoleCode.MEMBRE_EPS], contrats=[contrat])
    CommissionFactory(equipe=EquipeFactory(contrat=contrat, nom="Est", membres=[autre_membre]))
    return {"enfant": enfant, "membre_eps_autre_equipe": autre_membre}


def _leaks(text):
    return trouves(text, IDENTITE)


def test_the_sentinels_are_seen_by_the_pre_staff(
    client, zephyrine, coordinateur_pre, referent_pre, membre_eps
):
    """The control: what the other roles must not see is on the pages of those who may, and
    the PRE's routes, aimed at the fixture's records, open for its coordinator."""
    client.force_login(coordinateur_pre)
    assert fermees(client, module="pre", pk=PK) == set()
    client.force_login(referent_pre)
    assert _leaks(texte(client.get(f"/pre/enfants/{PK}/")))
    assert _leaks(texte(client.get(f"/api/v1/pre/enfants/{PK}/")))
    client.force_login(membre_eps)
    assert "Quenouillard" in texte(client.get(f"/pre/eps/commissions/{PK}/"))


def test_no_other_role_sees_a_childs_identity_anywhere(
    client, zephyrine, caplog, autre_contrat, request
):
    caplog.set_level(logging.DEBUG)
    referent_ailleurs = factories.UserFactory(
        roles=[RoleCode.REFERENT_PRE], contrats=[autre_contrat]
    )
    users = {name: request.getfixturevalue(name) for name in NON_PRE}
    users["referent_pre_autre_contrat"] = referent_ailleurs
    users["charge_citeslab"] = factories.UserFactory(
        roles=[RoleCode.CHARGE_CITESLAB], contrats=[zephyrine["enfant"].contrat]
    )
    users["membre_eps_autre_equipe"] = zephyrine["membre_eps_autre_equipe"]

    leaks, pages = parcourir(
        client, {"anonyme": None, **users}, module="pre", pk=PK, secrets=IDENTITE, caplog=caplog
    )

    assert leaks == []
    # The walk rendered real pages, not only refusals.
    assert pages > 500
