"""Writes of the TFPB abatement: conventions and their dwellings (coordination GUP of the
contract), yearly abatements and valued actions (the coordination and the landlord itself).

Every function is keyword-only, checks the permission, validates in French (errors keyed by
the field they concern) and writes in one transaction; nothing is written on error.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cdv.enums import OrganisationKind
from gup import perms_tfpb
from gup.models import AbattementTFPB, ActionTFPB, ConventionTFPB, PatrimoineTFPB

REFUS_CONVENTION = "Seule la coordination GUP du contrat gère ses conventions d'abattement TFPB."
REFUS_SAISIE = (
    "Seuls la coordination GUP du contrat et le bailleur de la convention saisissent ses "
    "abattements et ses actions."
)
QUARTIER_HORS_PATRIMOINE = (
    "Choisissez un quartier où la convention compte des logements (voir son patrimoine)."
)


def _periode(convention):
    return f"{convention.annee_debut}-{convention.annee_fin}"


def quartiers_de(convention):
    """The ids of the quartiers where the convention counts dwellings."""
    return set(
        PatrimoineTFPB.objects.filter(convention=convention).values_list("quartier_id", flat=True)
    )


def _verifier(convention, *, annee, quartier_id, quartier_key="quartier"):
    """The year must fall in the convention's period, the quartier be one of its dwellings'."""
    errors = {}
    if annee is not None and not convention.annee_debut <= annee <= convention.annee_fin:
        errors["annee"] = (
            f"L'année doit être comprise dans la période de la convention ({_periode(convention)})."
        )
    if quartier_id is not None and quartier_id not in quartiers_de(convention):
        errors[quartier_key] = QUARTIER_HORS_PATRIMOINE
    if errors:
        raise ValidationError(errors)


def _peut_saisir(user, convention):
    if not perms_tfpb.can_enter_tfpb(user, convention):
        raise PermissionDenied(REFUS_SAISIE)


# Conventions and dwellings -------------------------------------------------------------


def _annees_saisies(convention):
    """The years of the convention's abatements and actions."""
    return set(convention.abattements.values_list("annee", flat=True)) | set(
        convention.actions.values_list("annee", flat=True)
    )


@transaction.atomic
def convention_save(
    *,
    user,
    contrat,
    bailleur,
    annee_debut,
    annee_fin,
    date_signature=None,
    commentaire="",
    convention=None,
):
    """Create (or update) a landlord's convention in `contrat`. The period stays within the
    contract's and keeps every year already entered."""
    if not perms_tfpb.can_manage_convention(user, contrat.pk):
        raise PermissionDenied(REFUS_CONVENTION)
    if convention is not None and convention.contrat_id != contrat.pk:
        raise PermissionDenied(REFUS_CONVENTION)
    errors = {}
    if bailleur is None or bailleur.kind != OrganisationKind.BAILLEUR:
        errors["bailleur"] = "Choisissez un bailleur social."
    if annee_debut and contrat.annee_debut and annee_debut < contrat.annee_debut:
        errors["annee_debut"] = (
            f"La convention ne peut commencer avant le contrat ({contrat.annee_debut})."
        )
    if annee_fin and contrat.annee_fin and annee_fin > contrat.annee_fin:
        errors["annee_fin"] = f"La convention ne peut finir après le contrat ({contrat.annee_fin})."
    if convention is not None and annee_debut and annee_fin:
        annees = _annees_saisies(convention)
        avant = sorted(a for a in annees if a < annee_debut)
        apres = sorted(a for a in annees if a > annee_fin)
        if avant:
            errors.setdefault(
                "annee_debut",
                f"Des abattements ou des actions sont saisis en {avant[0]} : la convention "
                "doit couvrir cette année.",
            )
        if apres:
            errors.setdefault(
                "annee_fin",
                f"Des abattements ou des actions sont saisis en {apres[-1]} : la convention "
                "doit couvrir cette année.",
            )
    if errors:
        raise ValidationError(errors)
    convention = convention or ConventionTFPB(contrat=contrat)
    convention.bailleur = bailleur
    convention.annee_debut = annee_debut
    convention.annee_fin = annee_fin
    convention.date_signature = date_signature
    convention.commentaire = commentaire or ""
    convention.full_clean()
    convention.save()
    return convention


@transaction.atomic
def patrimoine_save(*, user, convention, logements):
    """Set the convention's dwellings: `logements` maps quartiers of the contract to a number
    of dwellings (0 or None: the landlord has none there). A quartier with abatements or
    actions keeps its dwellings. Errors are keyed `logements_<quartier id>`."""
    if not perms_tfpb.can_manage_convention(user, convention.contrat_id):
        raise PermissionDenied(REFUS_CONVENTION)
    existants = {p.quartier_id: p for p in PatrimoineTFPB.objects.filter(convention=convention)}
    saisis = set(convention.abattements.values_list("quartier_id", flat=True)) | set(
        convention.actions.values_list("quartier_id", flat=True)
    )
    errors = {}
    for quartier, nombre in logements.items():
        key = f"logements_{quartier.pk}"
        if quartier.contrat_id != convention.contrat_id:
            errors[key] = "Ce quartier n'appartient pas au contrat de la convention."
        elif nombre is not None and nombre < 0:
            errors[key] = "Un nombre de logements ne peut être négatif."
        elif not nombre and quartier.pk in saisis:
            errors[key] = (
                "Des abattements ou des actions sont saisis dans ce quartier : indiquez ses "
                "logements."
            )
    if errors:
        raise ValidationError(errors)
    for quartier, nombre in logements.items():
        ligne = existants.get(quartier.pk)
        if not nombre:
            if ligne is not None:
                ligne.delete()
        elif ligne is None:
            PatrimoineTFPB.objects.create(
                convention=convention, quartier=quartier, nb_logements=nombre
            )
        elif ligne.nb_logements != nombre:
            ligne.nb_logements = nombre
            ligne.save(update_fields=["nb_logements"])


# Yearly abatements ---------------------------------------------------------------------------


@transaction.atomic
def abattements_save(*, user, convention, annee, montants):
    """Enter a year's abatement of each quartier: `montants` maps quartier ids to an amount
    (None removes that quartier's abatement of the year). Errors on a quartier are keyed
    `montant_<quartier id>`."""
    _peut_saisir(user, convention)
    _verifier(convention, annee=annee, quartier_id=None)
    dans_patrimoine = quartiers_de(convention)
    errors = {
        f"montant_{quartier_id}": QUARTIER_HORS_PATRIMOINE
        for quartier_id in montants
        if quartier_id not in dans_patrimoine
    }
    errors.update(
        {
            f"montant_{quartier_id}": "Un montant ne peut être négatif."
            for quartier_id, montant in montants.items()
            if montant is not None and montant < 0
        }
    )
    if errors:
        raise ValidationError(errors)
    existants = {
        a.quartier_id: a for a in AbattementTFPB.objects.filter(convention=convention, annee=annee)
    }
    for quartier_id, montant in montants.items():
        abattement = existants.get(quartier_id)
        if montant is None:
            if abattement is not None:
                abattement.delete()
            continue
        if abattement is None:
            abattement = AbattementTFPB(convention=convention, quartier_id=quartier_id, annee=annee)
        abattement.montant = montant
        abattement.full_clean()
        abattement.save()


@transaction.atomic
def abattement_save(*, user, convention, quartier_id, annee, montant, abattement=None):
    """Create or update one abatement (a quartier, a year) of the convention."""
    if abattement is not None:
        _peut_saisir(user, abattement.convention)
    _peut_saisir(user, convention)
    _verifier(convention, annee=annee, quartier_id=quartier_id)
    abattement = abattement or AbattementTFPB()
    abattement.convention = convention
    abattement.quartier_id = quartier_id
    abattement.annee = annee
    abattement.montant = montant
    abattement.full_clean()
    abattement.save()
    return abattement


@transaction.atomic
def abattement_delete(*, user, abattement):
    """Remove one abatement."""
    _peut_saisir(user, abattement.convention)
    abattement.delete()


# Valued actions --------------------------------------------------------------------------

CHAMPS_ACTION = [
    "quartier_id",
    "annee",
    "axe",
    "intitule",
    "description",
    "residence",
    "montant_prevu",
    "montant_realise",
    "cofinancement",
    "diagnostic",
]


@transaction.atomic
def action_save(*, user, convention, action=None, **champs):
    """Create or update an action valued against the convention's abatement. The amount
    realised may stay empty (« non renseigné »: it then counts 0 in the bilans); the linked
    diagnostic is a walk of one of the contract's quartiers."""
    if action is not None:
        _peut_saisir(user, action.convention)
    _peut_saisir(user, convention)
    inconnus = set(champs) - set(CHAMPS_ACTION)
    if inconnus:
        raise TypeError(f"Unknown fields: {sorted(inconnus)}")
    _verifier(convention, annee=champs.get("annee"), quartier_id=champs.get("quartier_id"))
    diagnostic = champs.get("diagnostic")
    if diagnostic is not None and diagnostic.quartier.contrat_id != convention.contrat_id:
        raise ValidationError(
            {"diagnostic": "Choisissez un diagnostic en marchant d'un quartier du contrat."}
        )
    action = action or ActionTFPB()
    action.convention = convention
    for name, value in champs.items():
        setattr(action, name, value)
    if action.cofinancement is None:
        action.cofinancement = 0
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_delete(*, user, action):
    """Remove an action."""
    _peut_saisir(user, action.convention)
    action.delete()
