"""No one outside the PRE ever sees a child's identity: every route of the project (pages,
API, exports, back office, error pages) is requested as every other role, and neither the
child's name, first name and birth date nor its guardian's contacts appear in any answer,
in the logs written meanwhile or in the e-mails sent.

Every PRE record of the fixture has the same number, PK: the PRE's routes (pages, API,
back office) are requested with it, the others with their sample URL (tests/routes.py)."""

import datetime
import io
import logging
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core import mail
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
from tests.pre.factories import CommissionFactory, EnfantFactory, EquipeFactory, ReperageFactory
from tests.pre.factories_parcours import ActionFactory, ParcoursFactory, grille_standard
from tests.programmation.factories import QuartierFactory
from tests.routes import all_routes

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


def _text(response):
    """What the user receives: headers, then the body — a workbook's cells, a file's bytes."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    if "spreadsheetml" in response.get("Content-Type", ""):
        workbook = openpyxl.load_workbook(io.BytesIO(body))
        cells = [
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        return headers + " ".join(cells)
    return headers + body.decode("utf-8", errors="replace")


def _url(route):
    """The PRE's routes aim at the fixture's records; the others keep their sample URL."""
    if route.name.startswith(("pre:", "admin:pre_")) or route.url.startswith("/api/v1/pre/"):
        return re.sub(r"/1(?=[/.])", f"/{PK}", route.url)
    return route.url


def _leaks(text):
    return [secret for secret in IDENTITE if secret in text]


def test_the_sentinels_are_seen_by_the_pre_staff(
    client, zephyrine, coordinateur_pre, referent_pre, membre_eps
):
    """The control: what the other roles must not see is on the pages of those who may, and
    the PRE's routes, aimed at the fixture's records, open for its coordinator."""
    client.force_login(coordinateur_pre)
    refused = set()
    for route in all_routes()[0]:
        if route.name.startswith("pre:") or route.url.startswith("/api/v1/pre/"):
            response = client.get(_url(route))
            # Forms answering POST only send a GET back to their record's page.
            if response.status_code not in (200, 302, 405) or "connexion" in response.get(
                "Location", ""
            ):
                refused.add((route.name, response.status_code))
    assert refused == set()
    client.force_login(referent_pre)
    assert _leaks(_text(client.get(f"/pre/enfants/{PK}/")))
    assert _leaks(_text(client.get(f"/api/v1/pre/enfants/{PK}/")))
    client.force_login(membre_eps)
    assert "Quenouillard" in _text(client.get(f"/pre/eps/commissions/{PK}/"))


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
    routes, _ = all_routes()

    leaks, seen = [], 0
    for name, user in [("anonyme", None), *users.items()]:
        client.logout()
        if user is not None:
            client.force_login(user)
        for route in routes:
            response = client.get(_url(route))
            seen += response.status_code == 200
            if found := _leaks(_text(response)):
                leaks.append((name, route.url, response.status_code, found))

    assert leaks == []
    # The walk rendered real pages, not only refusals.
    assert seen > 500
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert _leaks(logged) == []
    sent = " ".join(f"{m.subject} {m.body} {m.alternatives}" for m in mail.outbox)
    assert _leaks(sent) == []
