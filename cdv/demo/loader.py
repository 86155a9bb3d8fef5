"""Loading the demo instance: Carcassonne Agglo's two contracts, partners, governance, accounts,
quartiers, calls for projects and a few actions at every stage of the workflow.

Every row is found by its natural key and updated in place, so a second run adds nothing;
every row passes full_clean() before it is saved, so demo data obeys the validators.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from auditlog.context import disable_auditlog
from django.db import transaction
from django.utils import timezone

from cdv.demo import (
    appels,
    citeslab,
    contrat2024,
    contrats,
    documents,
    gouvernance,
    gup,
    historique,
    indicateurs,
    pre,
    qpv,
)
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
    ThematiqueANCT,
    User,
)
from programmation.enums import COMPTE_SUBVENTIONS, TRANSITIONS, EtatAction
from programmation.models import (
    Action,
    ActionQuartier,
    AppelAProjets,
    Avis,
    Enveloppe,
    Financement,
    Indicateur,
    LigneBudget,
    Priorite,
    TransitionAction,
)
from quartiers.enums import QuartierKind
from quartiers.models import Quartier

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
    # The demo actions ask the État's crédits spécifiques from the prefecture: its instructor
    # is solicited on them (appels.ETAT).
    DemoUser(RoleCode.INSTRUCTEUR_FINANCEUR, "Karim", "Benali", "prefecture"),
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
    """The demo accounts, one per role (and the superuser); returns {role: user}."""
    roles = {role.code: role for role in Role.objects.all()}
    users = {}
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
        users[demo.role] = user
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
    return users


def _load_quartiers(report, contrat_2015, contrat_2024):
    """The 5 QPV and 2 QVA of the 2015 contract, the 5 QPV of 2024; returns 2024's by name."""
    for nom, code, population in qpv.QPV_2015:
        _upsert(
            report,
            Quartier,
            {"contrat": contrat_2015, "nom": nom},
            kind=QuartierKind.QPV,
            code=code,
            communes=qpv.CARCASSONNE,
            population=population,
        )
    for nom, commune in qpv.QVA_2015:
        _upsert(
            report,
            Quartier,
            {"contrat": contrat_2015, "nom": nom},
            kind=QuartierKind.QVA,
            code="",
            communes=commune,
            population=None,
        )
    return {
        nom: _upsert(
            report,
            Quartier,
            {"contrat": contrat_2024, "nom": nom},
            kind=QuartierKind.QPV,
            code="",
            communes=qpv.CARCASSONNE,
            population=population,
        )
        for nom, population in qpv.QPV_2024
    }


def _objectif_2024(piliers, pilier_nom, ref):
    orientation, operationnel = ref
    intitule = contrat2024.OBJECTIFS_2024[pilier_nom][orientation][1][operationnel]
    return Objectif.objects.get(pilier=piliers[pilier_nom], intitule=intitule)


def _load_appels(report, contrat, piliers, orgs):
    """The calls of the 2024 contract, their priorities and envelopes; returns them by key."""
    loaded = {}
    for demo in appels.APPELS:
        appel = _upsert(
            report,
            AppelAProjets,
            {"contrat": contrat, "annee": demo.annee, "titre": demo.titre},
            etat=demo.etat,
            note_de_cadrage=demo.note_de_cadrage,
            **demo.calendrier,
        )
        for pilier_nom, (texte, refs) in demo.priorites.items():
            priorite = _upsert(
                report, Priorite, {"appel": appel, "pilier": piliers[pilier_nom]}, texte=texte
            )
            priorite.objectifs.set([_objectif_2024(piliers, pilier_nom, ref) for ref in refs])
        for key, montant in demo.enveloppes.items():
            _upsert(report, Enveloppe, {"appel": appel, "financeur": orgs[key]}, montant=montant)
        loaded[demo.key] = appel
    return loaded


def _create(report, model, **values):
    obj = model(**values)
    obj.full_clean()
    obj.save()
    report.count(model, True)
    return obj


def _at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _fill_application(report, action, demo, orgs, quartiers):
    """Quartiers, indicators, funders and a budget whose subsidy lines are the requests."""
    for nom, part in demo.quartiers.items():
        _create(report, ActionQuartier, action=action, quartier=quartiers[nom], part=part)
    for libelle, cible in demo.indicateurs:
        _create(report, Indicateur, action=action, libelle=libelle, cible=cible)
    charges = sum(montant for _, _, montant in demo.charges)
    produits = sum(f.demande for f in demo.financements)
    produits += sum(montant for _, _, montant in demo.autres_produits)
    if charges != produits:
        raise ValueError(f"Budget de démonstration déséquilibré : {demo.intitule}")
    for compte, libelle, montant in demo.charges:
        _create(
            report,
            LigneBudget,
            action=action,
            compte=compte,
            libelle=libelle,
            montant_previsionnel=montant,
        )
    for financement in demo.financements:
        financeur = orgs[financement.financeur]
        _create(
            report,
            Financement,
            action=action,
            financeur=financeur,
            nature=financement.nature,
            montant_demande=financement.demande,
            montant_accorde=financement.accorde,
        )
        _create(
            report,
            LigneBudget,
            action=action,
            compte=COMPTE_SUBVENTIONS,
            libelle=appels.LIBELLE_FINANCEUR[financement.financeur],
            financeur=financeur,
            montant_previsionnel=financement.demande,
        )
    for compte, libelle, montant in demo.autres_produits:
        _create(
            report,
            LigneBudget,
            action=action,
            compte=compte,
            libelle=libelle,
            montant_previsionnel=montant,
        )
    if demo.en_nature:
        for compte, libelle in [("86", "Bénévolat"), ("87", "Bénévolat valorisé")]:
            _create(
                report,
                LigneBudget,
                action=action,
                compte=compte,
                libelle=libelle,
                montant_previsionnel=demo.en_nature,
            )


def _walk_circuit(report, action, demo, users):
    """Take the action along the workflow table, recording each step as the services do."""
    from programmation.services import action_submission_errors
    from programmation.services_echanges import pieces_reprendre

    agent = users[RoleCode.ADMIN_PDV]
    porteur = users[RoleCode.PORTEUR]
    for code, day in zip(appels.CIRCUIT, demo.etapes, strict=False):
        transition = TRANSITIONS[code]
        if action.etat not in transition.sources:
            raise ValueError(f"Étape {code} impossible depuis {action.etat} : {demo.intitule}")
        auteur, commentaire = agent, ""
        if RoleCode.PORTEUR in transition.roles:
            if porteur.organisation_id == action.porteur_id:
                auteur = porteur
            else:
                # The associations of the demo have no account: the agglo records for them.
                commentaire = "Enregistré par l'équipe politique de la ville pour le porteur."
        if code == "deposer":
            errors = action_submission_errors(action)
            if errors:
                raise ValueError(f"Demande de démonstration incomplète : {demo.intitule} {errors}")
            pieces_reprendre(action=action)
            action.deposee_le = _at(datetime.date.fromisoformat(day))
        if code == "instruire":
            action.instructeur = agent
        if code == "programmer":
            commentaire = appels.COMITE_2026
        etat_avant, action.etat = action.etat, transition.target
        action.full_clean()
        action.save()
        _create(
            report,
            TransitionAction,
            action=action,
            code=code,
            etat_avant=etat_avant,
            etat_apres=action.etat,
            auteur=auteur,
            date=_at(datetime.date.fromisoformat(day)),
            commentaire=commentaire,
        )


def _give_avis_etat(report, action, demo, orgs, users):
    """The État's opinion, given by the demo instructor before the committee."""
    sens, commentaire, annotation = demo.avis_etat
    etat = orgs[appels.ETAT]
    financement = action.financements.get(financeur=etat)
    financement.montant_propose = financement.montant_accorde
    financement.full_clean()
    financement.save()
    solliciter = action.transitions.get(code="solliciter_avis").date
    _create(
        report,
        Avis,
        action=action,
        financeur=etat,
        auteur=users[RoleCode.INSTRUCTEUR_FINANCEUR],
        sens=sens,
        montant_propose=financement.montant_accorde,
        commentaire=commentaire,
        annotation_privee=annotation,
        date=solliciter + datetime.timedelta(days=7),
    )


def _load_actions(report, appels_by_key, piliers, quartiers, orgs, users):
    """The demo actions, each created once with its application, history and opinions.

    An action found again (same call, porteur and title) is left as it is: its state and
    history belong to the workflow, and demo users may have moved it on since the last run.
    """
    loaded = {}
    # The porteurs' statutes, RIB, accounts…: an application is deposited with them.
    documents.load_documents(report, {orgs[demo.porteur] for demo in appels.ACTIONS})
    for demo in appels.ACTIONS:
        appel = appels_by_key[demo.appel]
        porteur = orgs[demo.porteur]
        lookup = {"appel": appel, "porteur": porteur, "intitule": demo.intitule}
        action = Action.objects.filter(**lookup).first()
        if action is None:
            precedente = None
            if demo.reconduction_de:
                precedente = next(
                    a
                    for (cle, org, titre), a in loaded.items()
                    if cle != demo.appel and org == demo.porteur and titre == demo.reconduction_de
                )
            pilier = piliers[demo.pilier]
            debut = demo.etapes[0] if demo.etapes else "2026-11-20"
            action = _create(
                report,
                Action,
                **lookup,
                etat=EtatAction.BROUILLON,
                description=demo.description,
                objectifs_action=demo.objectifs_action,
                pilier=pilier,
                objectif=_objectif_2024(piliers, demo.pilier, demo.objectif),
                thematique=ThematiqueANCT.objects.get(code=demo.thematique),
                public_vise=demo.public_vise,
                beneficiaires_prevus=demo.beneficiaires_prevus,
                part_femmes=demo.part_femmes,
                part_qpv=demo.part_qpv,
                tranches_age=demo.tranches_age,
                date_debut=demo.date_debut,
                date_fin=demo.date_fin,
                lieux=demo.lieux,
                moyens_humains=demo.moyens_humains,
                est_reconduction=precedente is not None,
                reconduction_de=precedente,
                cree_le=_at(datetime.date.fromisoformat(debut) - datetime.timedelta(days=10)),
            )
            action.axes.set(AxeTransversal.objects.filter(contrat=appel.contrat, nom__in=demo.axes))
            _fill_application(report, action, demo, orgs, quartiers)
            _walk_circuit(report, action, demo, users)
            if demo.avis_etat:
                _give_avis_etat(report, action, demo, orgs, users)
        else:
            report.count(Action, False)
        loaded[(demo.appel, demo.porteur, demo.intitule)] = action
    return loaded


@transaction.atomic
def demo_load(*, password):
    """Load (or refresh) the Carcassonne demo: both contracts, partners, governance, accounts,
    quartiers, the 2024 contract's calls for projects and a few actions.

    Idempotent: rows are matched on natural keys (SIRET, e-mail, contract and name…) and
    updated in place. Every account gets `password`. Returns a DemoReport. The audit trail
    starts after it: the generated history is not somebody's work.
    """
    with disable_auditlog():
        return _demo_load(password=password)


def _demo_load(*, password):
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

    users = _load_users(report, orgs, [contrat_2015, contrat_2024], password)

    quartiers_2024 = _load_quartiers(report, contrat_2015, contrat_2024)
    # Territories, indicator catalogue, perimeters and the evaluation's figures.
    indicateurs.load(report, contrat_2015, contrat_2024)
    appels_2024 = _load_appels(report, contrat_2024, piliers_2024, orgs)
    _load_actions(report, appels_2024, piliers_2024, quartiers_2024, orgs, users)
    # The 2015 contract's 2016–2022 programming, through the import of earlier years.
    historique.load(report, contrat_2015, users[RoleCode.ADMIN_PDV])
    # The GUP: categories, diagnostics en marchant and their problems, TFPB, chantiers.
    gup.load(report, contrat_2015, contrat_2024, orgs, users)
    # The PRE: EPS teams, fictitious children and their pathways, budget (cdv/demo/pre.py).
    pre.load(report, contrat_2015, contrat_2024, orgs, users)
    # CitésLab: people, meetings, projects, businesses and events (cdv/demo/citeslab.py).
    citeslab.load(report, contrat_2015, contrat_2024, orgs, users)
    return report
