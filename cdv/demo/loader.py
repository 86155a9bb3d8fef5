"""Loading the demo instance: Carcassonne Agglo's two contracts, partners, governance, accounts.

Every row is found by its natural key and updated in place, so a second run adds nothing;
every row passes full_clean() before it is saved, so demo data obeys the validators.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from cdv.demo import contrat2024, contrats, gouvernance
from cdv.demo.organisations import ORGANISATIONS
from cdv.enums import NiveauObjectif, RoleCode
from cdv.models import (
    AxeTransversal,
    Contrat,
    Instance,
    Objectif,
    Organisation,
    Pilier,
    Reunion,
    Role,
    Signataire,
    User,
)

DEMO_DOMAIN = "demo.cdv.local"
SUPERUSER_EMAIL = f"admin@{DEMO_DOMAIN}"


def demo_email(role_code):
    return f"{role_code.replace('_', '-')}@{DEMO_DOMAIN}"


@dataclass(frozen=True)
class DemoUser:
    role: RoleCode
    first_name: str
    last_name: str
    organisation: str
    est_admin_organisation: bool = False
    follows_contracts: bool = True

    @property
    def email(self):
        return demo_email(self.role)


DEMO_USERS = [
    DemoUser(RoleCode.ADMIN_PDV, "Sophie", "Marty", "agglo", est_admin_organisation=True),
    DemoUser(RoleCode.INSTRUCTEUR_FINANCEUR, "Karim", "Benali", "delegue_prefet"),
    DemoUser(RoleCode.LECTEUR_PARTENAIRE, "Jean-Pierre", "Fabre", "departement"),
    DemoUser(
        RoleCode.PORTEUR,
        "Nadia",
        "Bouzid",
        "centre_social_la_conte",
        est_admin_organisation=True,
        follows_contracts=False,
    ),
    DemoUser(RoleCode.COORDINATEUR_GUP, "Laurent", "Py", "agglo"),
    DemoUser(RoleCode.INTERVENANT_GUP, "Céline", "Roques", "habitat_audois"),
    DemoUser(RoleCode.REFERENT_PRE, "Amandine", "Cazals", "agglo"),
    DemoUser(RoleCode.MEMBRE_EPS, "Mélanie", "Gau", "college_jules_verne"),
    DemoUser(RoleCode.CHARGE_CITESLAB, "Yanis", "Ferrer", "agglo"),
]


@dataclass
class DemoReport:
    """What a run did: rows created and rows found again, per model; the demo accounts."""

    created: Counter = field(default_factory=Counter)
    found: Counter = field(default_factory=Counter)
    accounts: list = field(default_factory=list)

    def count(self, model, created):
        label = str(model._meta.verbose_name_plural)
        (self.created if created else self.found)[label] += 1


def _upsert(report, model, lookup, **values):
    """Find the row by its natural key, set its values, validate and save it."""
    obj = model.objects.filter(**lookup).first()
    created = obj is None
    if created:
        obj = model(**lookup)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    report.count(model, created)
    return obj


def _load_organisations(report):
    return {
        org.key: _upsert(
            report,
            Organisation,
            {"siret": org.siret},
            nom=org.nom,
            sigle=org.sigle,
            kind=org.kind,
            rna=org.rna,
            adresse=org.adresse,
            code_postal=org.code_postal,
            commune=org.commune,
            email=org.email,
            telephone=org.telephone,
            active=True,
        )
        for org in ORGANISATIONS
    }


def _load_contrat(report, epci, data, axes):
    values = {key: value for key, value in data.items() if key != "annee_debut"}
    contrat = _upsert(report, Contrat, {"epci": epci, "annee_debut": data["annee_debut"]}, **values)
    piliers = {
        nom: _upsert(report, Pilier, {"contrat": contrat, "nom": nom}, ordre=ordre)
        for ordre, nom in enumerate(contrats.PILIERS, 1)
    }
    for ordre, nom in enumerate(axes, 1):
        _upsert(report, AxeTransversal, {"contrat": contrat, "nom": nom}, ordre=ordre)
    return contrat, piliers


def _load_objectifs(report, piliers, objectifs):
    for pilier_nom, orientations in objectifs.items():
        pilier = piliers[pilier_nom]
        for ordre, (intitule, operationnels) in enumerate(orientations, 1):
            orientation = _upsert(
                report,
                Objectif,
                {"pilier": pilier, "parent": None, "intitule": intitule},
                niveau=NiveauObjectif.ORIENTATION,
                ordre=ordre,
            )
            for sous_ordre, sous_intitule in enumerate(operationnels, 1):
                _upsert(
                    report,
                    Objectif,
                    {"pilier": pilier, "parent": orientation, "intitule": sous_intitule},
                    niveau=NiveauObjectif.OPERATIONNEL,
                    ordre=sous_ordre,
                )


def _load_signataires(report, contrat, orgs, signataires):
    for key, qualite in signataires.items():
        _upsert(
            report,
            Signataire,
            {"contrat": contrat, "organisation": orgs[key]},
            date_signature=contrat.date_signature,
            qualite=qualite,
        )


def _load_gouvernance(report, contrat, orgs, instances_data, reunions):
    instances = {}
    for nom, (kind, membres) in instances_data.items():
        instance = _upsert(report, Instance, {"contrat": contrat, "nom": nom}, kind=kind)
        instance.membres.set([orgs[key] for key in membres])
        instances[nom] = (instance, membres)
    for nom, date, lieu, odj, presents, detail, decisions in reunions:
        instance, membres = instances[nom]
        reunion = _upsert(
            report,
            Reunion,
            {"instance": instance, "date": date},
            lieu=lieu,
            ordre_du_jour=odj,
            participants_detail=detail,
            decisions=decisions,
        )
        # None: every member attended; an empty list: the meeting is still ahead.
        present = membres if presents is None else presents
        reunion.participants.set([orgs[key] for key in present])


def _load_user(report, email, password, **values):
    user = User.objects.filter(email=email).first()
    created = user is None
    if created:
        user = User(email=email)
    for name, value in values.items():
        setattr(user, name, value)
    user.set_password(password)
    user.full_clean()
    user.save()
    report.count(User, created)
    return user


def _load_users(report, orgs, contracts, password):
    roles = {role.code: role for role in Role.objects.all()}
    for demo in DEMO_USERS:
        organisation = orgs[demo.organisation]
        user = _load_user(
            report,
            demo.email,
            password,
            first_name=demo.first_name,
            last_name=demo.last_name,
            organisation=organisation,
            est_admin_organisation=demo.est_admin_organisation,
            is_superuser=False,
            is_active=True,
        )
        user.roles.set([roles[demo.role]])
        user.contrats.set(contracts if demo.follows_contracts else [])
        report.accounts.append((demo.email, demo.role.label, str(organisation)))
    _load_user(
        report,
        SUPERUSER_EMAIL,
        password,
        first_name="Administrateur",
        last_name="Plateforme",
        organisation=None,
        is_superuser=True,
        is_active=True,
    )
    report.accounts.append((SUPERUSER_EMAIL, "Superutilisateur", "—"))


@transaction.atomic
def demo_load(*, password):
    """Load (or refresh) the Carcassonne demo: both contracts, partners, governance, accounts.

    Idempotent: rows are matched on natural keys (SIRET, e-mail, contract and name…) and
    updated in place. Every account gets `password`. Returns a DemoReport.
    """
    report = DemoReport()
    orgs = _load_organisations(report)
    epci = orgs["agglo"]

    contrat_2015, piliers_2015 = _load_contrat(
        report, epci, contrats.CONTRAT_2015, contrats.AXES_2015
    )
    _load_objectifs(report, piliers_2015, contrats.OBJECTIFS_2015)
    _load_signataires(report, contrat_2015, orgs, contrats.SIGNATAIRES_2015)
    _load_gouvernance(
        report, contrat_2015, orgs, gouvernance.INSTANCES_2015, gouvernance.REUNIONS_2015
    )

    # The 2024 generation, the newest contract users land on: illustrative content.
    contrat_2024, piliers_2024 = _load_contrat(
        report, epci, contrat2024.CONTRAT_2024, contrat2024.AXES_2024
    )
    _load_objectifs(report, piliers_2024, contrat2024.OBJECTIFS_2024)
    _load_signataires(report, contrat_2024, orgs, contrat2024.SIGNATAIRES_2024)
    _load_gouvernance(
        report, contrat_2024, orgs, contrat2024.INSTANCES_2024, contrat2024.REUNIONS_2024
    )

    _load_users(report, orgs, [contrat_2015, contrat_2024], password)
    return report
