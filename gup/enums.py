"""States, sources, priorities and the workflow table of the GUP (French labels)."""

from dataclasses import dataclass

from django.db import models

from cdv.enums import RoleCode


class EtatSignalement(models.TextChoices):
    NOUVEAU = "nouveau", "Nouveau"
    TRANSMIS = "transmis", "Transmis"
    PRIS_EN_CHARGE = "pris_en_charge", "Pris en charge"
    EN_COURS = "en_cours", "En cours"
    RESOLU = "resolu", "Résolu"
    HORS_COMPETENCE = "hors_competence", "Hors compétence"
    DOUBLON = "doublon", "Doublon"
    CLOS_SANS_SUITE = "clos_sans_suite", "Clos sans suite"


E = EtatSignalement
# A problem is open until it is solved, merged into another or closed.
ETATS_OUVERTS = frozenset({E.NOUVEAU, E.TRANSMIS, E.PRIS_EN_CHARGE, E.EN_COURS, E.HORS_COMPETENCE})
ETATS_CLOS = frozenset({E.RESOLU, E.DOUBLON, E.CLOS_SANS_SUITE})
# States in which the responsible body has the problem in hand (it sees it and acts on it).
ETATS_CHEZ_LE_RESPONSABLE = frozenset({E.TRANSMIS, E.PRIS_EN_CHARGE, E.EN_COURS})


class SourceSignalement(models.TextChoices):
    DIAGNOSTIC = "diagnostic", "Diagnostic en marchant"
    HABITANT = "habitant", "Habitant"
    PARTENAIRE = "partenaire", "Partenaire"
    CONSEIL_CITOYEN = "conseil_citoyen", "Conseil citoyen"
    API = "api", "API (Open311)"


class Priorite(models.TextChoices):
    BASSE = "basse", "Basse"
    NORMALE = "normale", "Normale"
    HAUTE = "haute", "Haute"
    URGENTE = "urgente", "Urgente"


# The categories a new contract starts with: (code, label, target processing time in days).
# Each contract then sets its own list, responsible bodies and targets.
CATEGORIES_PAR_DEFAUT = [
    ("proprete", "Propreté", 7),
    ("encombrants", "Encombrants et dépôts sauvages", 7),
    ("voirie", "Voirie", 30),
    ("eclairage", "Éclairage public", 15),
    ("stationnement", "Stationnement et véhicules ventouses", 30),
    ("espaces_verts", "Espaces verts et élagage", 30),
    ("mobilier", "Mobilier urbain et aires de jeux", 30),
    ("nuisibles", "Nuisibles", 15),
    ("parties_communes", "Parties communes (bailleur)", 15),
    ("tranquillite", "Tranquillité publique", 15),
    ("autre", "Autre", 30),
]


class Acteur(models.TextChoices):
    """Who takes a step of the workflow on a given problem."""

    COORDINATION = "coordination", "Coordination GUP du contrat"
    RESPONSABLE = "responsable", "Organisation responsable"


@dataclass(frozen=True)
class Transition:
    code: str
    label: str
    sources: frozenset
    target: str
    acteurs: frozenset
    commentaire_requis: bool = False


def _t(code, label, sources, target, acteurs, commentaire_requis=False):
    return Transition(
        code, label, frozenset(sources), target, frozenset(acteurs), commentaire_requis
    )


COORD = {Acteur.COORDINATION}
RESP = {Acteur.RESPONSABLE}
TOUS = COORD | RESP

# The workflow, in one table: (code, label, from states, to state, who, comment required).
# "Coordination" is a coordinateur GUP of the problem's contract; "responsable" an
# intervenant GUP of the organisation the problem is assigned to.
TRANSITIONS = {
    t.code: t
    for t in [
        _t(
            "transmettre",
            "Transmettre à l'organisation responsable",
            {E.NOUVEAU},
            E.TRANSMIS,
            COORD,
        ),
        _t("prendre_en_charge", "Prendre en charge", {E.TRANSMIS}, E.PRIS_EN_CHARGE, TOUS),
        _t("demarrer", "Commencer l'intervention", {E.PRIS_EN_CHARGE}, E.EN_COURS, TOUS),
        _t("resoudre", "Déclarer résolu", ETATS_CHEZ_LE_RESPONSABLE, E.RESOLU, TOUS),
        _t(
            "hors_competence",
            "Déclarer hors de notre compétence",
            ETATS_CHEZ_LE_RESPONSABLE,
            E.HORS_COMPETENCE,
            RESP,
            commentaire_requis=True,
        ),
        _t(
            "reattribuer",
            "Réattribuer à une autre organisation",
            {E.HORS_COMPETENCE},
            E.TRANSMIS,
            COORD,
        ),
        _t(
            "marquer_doublon",
            "Marquer comme doublon",
            ETATS_OUVERTS,
            E.DOUBLON,
            COORD,
        ),
        _t(
            "clore_sans_suite",
            "Clore sans suite",
            ETATS_OUVERTS,
            E.CLOS_SANS_SUITE,
            COORD,
            commentaire_requis=True,
        ),
        _t(
            "rouvrir",
            "Rouvrir",
            {E.RESOLU, E.CLOS_SANS_SUITE},
            E.TRANSMIS,
            COORD,
            commentaire_requis=True,
        ),
    ]
}

# Roles reading every GUP record of their contracts; the coordinators also act on them.
GUP_LECTEURS = frozenset(
    {RoleCode.COORDINATEUR_GUP, RoleCode.ADMIN_PDV, RoleCode.LECTEUR_PARTENAIRE}
)
GUP_COORDINATION = frozenset({RoleCode.COORDINATEUR_GUP})


class IssueChantier(models.TextChoices):
    EMPLOI = "emploi", "Emploi"
    FORMATION = "formation", "Formation"
    IAE = "iae", "Insertion par l'activité économique"
    AUTRE_SUIVI = "autre_suivi", "Autre suivi"
    SANS_SOLUTION = "sans_solution", "Sans solution"
