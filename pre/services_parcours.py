"""Writes of the pathways: start a pathway from the waiting list (within the cap of the active
file), edit it, add its actions (shares computed by the price grid), its reviews, close it
with the family's satisfaction questionnaire; the price grid and the budget lines.

Every function is keyword-only, checks the permission, validates in French (errors keyed by
the field they concern) and writes in one transaction; nothing is written on error. A
pathway's `version` guards against two people overwriting each other.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cdv.models import Contrat
from pre import perms, selectors_parcours
from pre.enums import EtatParcours
from pre.models import ActionParcours, BudgetPRE, Parcours, RevueParcours, TrancheTarifaire
from pre.selectors_parcours import QUESTIONS_SATISFACTION

PERIME = (
    "Ce parcours a été modifié entre-temps par une autre personne : rechargez la page, "
    "vérifiez puis enregistrez à nouveau."
)
GRILLE_INVALIDE = "La grille tarifaire contient des erreurs : voir les tranches signalées."


class VersionPerimee(ValidationError):
    def __init__(self):
        super().__init__({"version": PERIME})


class GrilleInvalide(ValidationError):
    """The grid's errors: `lignes` is {index of the line: {field: message}}."""

    def __init__(self, lignes):
        super().__init__(GRILLE_INVALIDE)
        self.lignes = lignes


def _verifier_acces(user, contrat):
    if not perms.can_manage_parcours(user, contrat):
        raise PermissionDenied(perms.REFUS_PARCOURS)


def _actuel(parcours, user, version=None):
    """The pathway locked for update, after the permission and version checks."""
    actuel = (
        Parcours.objects.select_for_update(of=("self",))
        .select_related("enfant__contrat")
        .get(pk=parcours.pk)
    )
    _verifier_acces(user, actuel.enfant.contrat)
    if version is not None and int(version) != actuel.version:
        raise VersionPerimee()
    return actuel


def _enregistrer(parcours):
    parcours.full_clean()
    parcours.version += 1
    parcours.save()
    return parcours


def file_complete_message(contrat):
    actifs = selectors_parcours.nb_actifs(contrat)
    plafond = selectors_parcours.plafond(contrat)
    return (
        f"La file active est complète ({actifs} parcours actifs sur un plafond de {plafond}) : "
        "le parcours reste en liste d'attente jusqu'à la prochaine sortie."
    )


def _place_libre(contrat):
    return selectors_parcours.nb_actifs(contrat) < selectors_parcours.plafond(contrat)


@transaction.atomic
def parcours_demarrer(*, user, parcours, date_entree, referent=None, version=None):
    """Start a pathway of the waiting list at `date_entree`, if the active file is below its
    cap (otherwise a French refusal on `date_entree`)."""
    actuel = _actuel(parcours, user, version)
    if actuel.etat != EtatParcours.EN_ATTENTE:
        raise ValidationError({"date_entree": "Ce parcours n'est pas en liste d'attente."})
    contrat = actuel.enfant.contrat
    # As parcours_ouvrir (services_eps): one opening at a time per contract, so that two
    # referents cannot both take the last place of the active file.
    Contrat.objects.select_for_update().filter(pk=contrat.pk).first()
    if not _place_libre(contrat):
        raise ValidationError({"date_entree": file_complete_message(contrat)})
    if date_entree is None:
        raise ValidationError({"date_entree": "Indiquez la date d'entrée en parcours."})
    if date_entree < actuel.date_inscription:
        raise ValidationError(
            {"date_entree": "L'entrée en parcours ne peut précéder l'inscription."}
        )
    actuel.etat = EtatParcours.ACTIF
    actuel.date_entree = date_entree
    if referent is not None:
        actuel.referent = referent
    return _enregistrer(actuel)


@transaction.atomic
def parcours_modifier(*, user, parcours, version, referent, axes, objectifs, adhesion):
    """Change the référent, axes, objectives and parents' adherence of a pathway read at
    `version`."""
    actuel = _actuel(parcours, user, version)
    if actuel.etat == EtatParcours.CLOS:
        raise ValidationError({"axes": "Un parcours clos ne se modifie plus."})
    actuel.referent = referent
    actuel.axes = list(axes)
    actuel.objectifs = objectifs or ""
    actuel.adhesion = adhesion
    return _enregistrer(actuel)


def satisfaction_de(reponses, commentaire):
    """The questionnaire as stored in Parcours.satisfaction: {code: 1–4 or None, …,
    "commentaire": text}."""
    donnees = {code: reponses.get(code) for code, _ in QUESTIONS_SATISFACTION}
    for code, valeur in donnees.items():
        if valeur is not None and valeur not in (1, 2, 3, 4):
            raise ValidationError({code: "Choisissez une réponse de 1 à 4."})
    donnees["commentaire"] = commentaire or ""
    return donnees


@transaction.atomic
def parcours_clore(
    *, user, parcours, version, date_sortie, motif_sortie, adhesion, reponses, commentaire=""
):
    """Close an active pathway: exit date (not before the entry, not in the future), reason,
    parents' adherence and the family's satisfaction questionnaire (`reponses`: {code: 1–4
    or None when the family did not answer})."""
    actuel = _actuel(parcours, user, version)
    errors = {}
    if actuel.etat != EtatParcours.ACTIF:
        errors["date_sortie"] = "Seul un parcours en cours peut être clos."
    elif date_sortie is not None:
        if date_sortie > timezone.localdate():
            errors["date_sortie"] = "La date de sortie ne peut être dans le futur."
        elif actuel.date_entree and date_sortie < actuel.date_entree:
            errors["date_sortie"] = "La sortie ne peut précéder l'entrée en parcours."
    if errors:
        raise ValidationError(errors)
    actuel.etat = EtatParcours.CLOS
    actuel.date_sortie = date_sortie
    actuel.motif_sortie = motif_sortie or ""
    actuel.adhesion = adhesion
    actuel.satisfaction = satisfaction_de(reponses, commentaire)
    return _enregistrer(actuel)


@transaction.atomic
def action_ajouter(*, user, parcours, axe, intitule, date, cout, prestataire=None):
    """Add an action to a pathway; the family's and the PRE's shares are computed from the
    contract's price grid and the highest known quotient familial of the child's guardians
    (none known: the PRE pays everything)."""
    actuel = _actuel(parcours, user)
    if actuel.etat == EtatParcours.CLOS:
        raise ValidationError({"intitule": "On n'ajoute plus d'action à un parcours clos."})
    if actuel.axes and axe not in actuel.axes:
        raise ValidationError({"axe": "Choisissez un des axes du parcours."})
    qf = selectors_parcours.quotient_familial(actuel.enfant)
    famille, pre = selectors_parcours.part_famille(
        cout, qf, selectors_parcours.grille(actuel.enfant.contrat)
    )
    action = ActionParcours(
        parcours=actuel,
        axe=axe,
        intitule=intitule,
        prestataire=prestataire,
        date=date,
        cout=cout,
        part_famille=famille,
        part_pre=pre,
    )
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_supprimer(*, user, action):
    """Remove an action entered by mistake (not on a closed pathway)."""
    actuel = _actuel(action.parcours, user)
    if actuel.etat == EtatParcours.CLOS:
        raise ValidationError("Les actions d'un parcours clos ne se suppriment plus.")
    action.delete()


@transaction.atomic
def revue_ajouter(*, user, parcours, date, contenu, adhesion=None):
    """Record a periodic review of a pathway, with the parents' adherence assessed then;
    the latest review's adherence becomes the pathway's."""
    actuel = _actuel(parcours, user)
    if actuel.date_entree and date < actuel.date_entree:
        raise ValidationError({"date": "La revue ne peut précéder l'entrée en parcours."})
    revue = RevueParcours(
        parcours=actuel, date=date, contenu=contenu, adhesion=adhesion, auteur=user
    )
    revue.full_clean()
    revue.save()
    plus_recente = not actuel.revues.filter(date__gt=date).exists()
    if adhesion is not None and plus_recente and adhesion != actuel.adhesion:
        actuel.adhesion = adhesion
        actuel.version += 1
        actuel.save(update_fields=["adhesion", "version"])
    return revue


@transaction.atomic
def grille_enregistrer(*, user, contrat, lignes):
    """Replace the contract's price grid by `lignes` (dicts qf_min, qf_max, part_famille).
    GrilleInvalide when the brackets overlap, leave a gap, do not start at 0 € or the last
    one has an upper bound."""
    _verifier_acces(user, contrat)
    erreurs = selectors_parcours.verifier_grille(lignes)
    if not lignes:
        raise ValidationError("La grille compte au moins une tranche.")
    if erreurs:
        raise GrilleInvalide(erreurs)
    TrancheTarifaire.objects.filter(contrat=contrat).delete()
    tranches = [TrancheTarifaire(contrat=contrat, **ligne) for ligne in lignes]
    for tranche in tranches:
        tranche.full_clean()
    TrancheTarifaire.objects.bulk_create(tranches)
    return tranches


@transaction.atomic
def budget_enregistrer(*, user, contrat, annee, financeur, montant):
    """Set the budget a funder gives the contract's PRE for `annee` (replaces its amount)."""
    _verifier_acces(user, contrat)
    budget = BudgetPRE.objects.filter(contrat=contrat, annee=annee, financeur=financeur).first()
    budget = budget or BudgetPRE(contrat=contrat, annee=annee, financeur=financeur)
    budget.montant = montant
    budget.full_clean()
    budget.save()
    return budget


@transaction.atomic
def budget_supprimer(*, user, budget):
    """Remove a funder's budget line."""
    _verifier_acces(user, budget.contrat)
    budget.delete()
