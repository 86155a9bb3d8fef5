"""States, kinds and the workflow table of the programmation."""

from dataclasses import dataclass

from django.db import models

from cdv.enums import RoleCode


class EtatAppel(models.TextChoices):
    EN_PREPARATION = "en_preparation", "En préparation"
    OUVERT = "ouvert", "Ouvert"
    CLOS = "clos", "Clos"
    PROGRAMME = "programme", "Programmé"
    ARCHIVE = "archive", "Archivé"


class EtatAction(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    DEPOSEE = "deposee", "Déposée"
    EN_INSTRUCTION = "en_instruction", "En instruction"
    A_COMPLETER = "a_completer", "À compléter"
    AVIS_FINANCEURS = "avis_financeurs", "Avis des financeurs"
    PROGRAMMEE = "programmee", "Programmée"
    REFUSEE = "refusee", "Refusée"
    AJOURNEE = "ajournee", "Ajournée"
    CONVENTIONNEE = "conventionnee", "Conventionnée"
    BILAN_ATTENDU = "bilan_attendu", "Bilan attendu"
    BILAN_DEPOSE = "bilan_depose", "Bilan déposé"
    SOLDEE = "soldee", "Bilan validé, soldée"
    ABANDONNEE = "abandonnee", "Abandonnée"
    NON_REALISEE = "non_realisee", "Non réalisée"


class NatureFinancement(models.TextChoices):
    SPECIFIQUE = "specifique", "Crédits spécifiques"
    DROIT_COMMUN = "droit_commun", "Droit commun"


class SensAvis(models.TextChoices):
    FAVORABLE = "favorable", "Favorable"
    RESERVE = "reserve", "Réservé"
    DEFAVORABLE = "defavorable", "Défavorable"


class CoteBudget(models.TextChoices):
    CHARGE = "charge", "Charges"
    PRODUIT = "produit", "Produits"


# The CERFA 12156 / 15059 chart of accounts: group code → (side, label).
COMPTES = {
    "60": (CoteBudget.CHARGE, "60 – Achats"),
    "61": (CoteBudget.CHARGE, "61 – Services extérieurs"),
    "62": (CoteBudget.CHARGE, "62 – Autres services extérieurs"),
    "63": (CoteBudget.CHARGE, "63 – Impôts et taxes"),
    "64": (CoteBudget.CHARGE, "64 – Charges de personnel"),
    "65": (CoteBudget.CHARGE, "65 – Autres charges de gestion courante"),
    "66": (CoteBudget.CHARGE, "66 – Charges financières"),
    "67": (CoteBudget.CHARGE, "67 – Charges exceptionnelles"),
    "68": (CoteBudget.CHARGE, "68 – Dotation aux amortissements"),
    "CI": (CoteBudget.CHARGE, "Charges indirectes affectées à l'action"),
    "86": (CoteBudget.CHARGE, "86 – Emplois des contributions volontaires en nature"),
    "70": (CoteBudget.PRODUIT, "70 – Ventes de produits finis, prestations de services"),
    "73": (CoteBudget.PRODUIT, "73 – Dotations et produits de tarification"),
    "74": (CoteBudget.PRODUIT, "74 – Subventions d'exploitation"),
    "75": (CoteBudget.PRODUIT, "75 – Autres produits de gestion courante"),
    "76": (CoteBudget.PRODUIT, "76 – Produits financiers"),
    "RP": (CoteBudget.PRODUIT, "Ressources propres affectées à l'action"),
    "87": (CoteBudget.PRODUIT, "87 – Contributions volontaires en nature"),
}
COMPTE_CHOICES = [(code, label) for code, (_, label) in COMPTES.items()]
# In-kind contributions (86 = 87) balance on their own, below the totals.
COMPTES_EN_NATURE = {"86", "87"}
COMPTE_SUBVENTIONS = "74"


@dataclass(frozen=True)
class Transition:
    code: str
    label: str
    sources: frozenset
    target: str
    roles: frozenset


def _t(code, label, sources, target, roles):
    return Transition(code, label, frozenset(sources), target, frozenset(roles))


E = EtatAction
STAFF = {RoleCode.ADMIN_PDV}
INSTRUCTEURS = {RoleCode.ADMIN_PDV, RoleCode.INSTRUCTEUR_FINANCEUR}
PORTEUR = {RoleCode.PORTEUR}

# The workflow, in one table: (code, label, from states, to state, roles allowed).
TRANSITIONS = {
    t.code: t
    for t in [
        _t("deposer", "Déposer la demande", {E.BROUILLON}, E.DEPOSEE, PORTEUR),
        _t("instruire", "Prendre en instruction", {E.DEPOSEE}, E.EN_INSTRUCTION, STAFF),
        _t(
            "demander_complements",
            "Demander des compléments",
            {E.EN_INSTRUCTION},
            E.A_COMPLETER,
            INSTRUCTEURS,
        ),
        _t(
            "completer", "Renvoyer la demande complétée", {E.A_COMPLETER}, E.EN_INSTRUCTION, PORTEUR
        ),
        _t(
            "solliciter_avis",
            "Solliciter l'avis des financeurs",
            {E.EN_INSTRUCTION},
            E.AVIS_FINANCEURS,
            STAFF,
        ),
        _t("programmer", "Programmer", {E.AVIS_FINANCEURS}, E.PROGRAMMEE, STAFF),
        _t("refuser", "Refuser", {E.AVIS_FINANCEURS}, E.REFUSEE, STAFF),
        _t("ajourner", "Ajourner", {E.AVIS_FINANCEURS}, E.AJOURNEE, STAFF),
        _t("reexaminer", "Réexaminer", {E.AJOURNEE}, E.EN_INSTRUCTION, STAFF),
        _t("conventionner", "Conventionner", {E.PROGRAMMEE}, E.CONVENTIONNEE, STAFF),
        _t("attendre_bilan", "Attendre le bilan", {E.CONVENTIONNEE}, E.BILAN_ATTENDU, STAFF),
        _t("deposer_bilan", "Déposer le bilan", {E.BILAN_ATTENDU}, E.BILAN_DEPOSE, PORTEUR),
        _t(
            "demander_complements_bilan",
            "Demander des compléments au bilan",
            {E.BILAN_DEPOSE},
            E.BILAN_ATTENDU,
            INSTRUCTEURS,
        ),
        _t("solder", "Valider le bilan et solder", {E.BILAN_DEPOSE}, E.SOLDEE, STAFF),
        _t(
            "abandonner",
            "Abandonner la demande",
            {E.BROUILLON, E.DEPOSEE, E.EN_INSTRUCTION, E.A_COMPLETER, E.AVIS_FINANCEURS},
            E.ABANDONNEE,
            PORTEUR,
        ),
        _t(
            "declarer_non_realisee",
            "Déclarer non réalisée",
            {E.PROGRAMMEE, E.CONVENTIONNEE, E.BILAN_ATTENDU},
            E.NON_REALISEE,
            STAFF,
        ),
    ]
}

# States in which the porteur may edit the application.
ETATS_MODIFIABLES_PORTEUR = {E.BROUILLON, E.A_COMPLETER}
# States from which the action counts in the programmation (funded).
ETATS_PROGRAMMES = {
    E.PROGRAMMEE,
    E.CONVENTIONNEE,
    E.BILAN_ATTENDU,
    E.BILAN_DEPOSE,
    E.SOLDEE,
}


class KindVersement(models.TextChoices):
    AVANCE = "avance", "Avance"
    ACOMPTE = "acompte", "Acompte"
    SOLDE = "solde", "Solde"


# A multi-year convention (CPO) covers 2 to 4 years, the action's year included.
CPO_ANNEES_MIN = 2
CPO_ANNEES_MAX = 4
# States in which a funded action has conventions signed and payments recorded.
ETATS_CONVENTIONNABLES = {E.PROGRAMMEE, E.CONVENTIONNEE}
ETATS_VERSEMENT = ETATS_PROGRAMMES
