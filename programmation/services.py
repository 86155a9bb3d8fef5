"""Writes of the programmation: keyword-only, one transaction, history and notifications."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import number_format

from cdv.formats import montant
from programmation import perms, selectors
from programmation.enums import COMPTE_SUBVENTIONS, TRANSITIONS
from programmation.models import Action, Avis, TransitionAction

CENT = Decimal("100")
# Codes whose application must be complete: the porteur hands it over to the instructors.
SUBMISSIONS = {"deposer", "completer"}
# Codes that need a comment explaining them to the porteur.
COMMENT_REQUIRED = {"demander_complements", "demander_complements_bilan", "refuser", "ajourner"}


def action_submission_errors(action):
    """Every problem that prevents submitting the application, as {field: [messages]}.

    The short form (total requested under the call's threshold) needs no indicators,
    human resources nor detailed objectives.
    """
    errors = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    for field in ("intitule", "description", "public_vise", "lieux"):
        if not getattr(action, field).strip():
            add(field, "Ce champ est obligatoire pour déposer la demande.")
    for field in ("pilier", "objectif", "date_debut", "date_fin", "beneficiaires_prevus"):
        if getattr(action, field) is None:
            add(field, "Ce champ est obligatoire pour déposer la demande.")
    try:
        action.clean()
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                add(field, message)

    demande = selectors.montant_demande_total(action)
    courte = demande < action.appel.seuil_demande_simplifiee
    if not courte:
        if not action.objectifs_action.strip():
            add("objectifs_action", "Décrivez les objectifs de l'action.")
        if not action.indicateurs.exists():
            add("indicateurs", "Indiquez au moins un indicateur d'évaluation et sa cible.")

    parts = action.quartiers.aggregate(total=Sum("part"))["total"]
    if parts is None:
        add("quartiers", "Indiquez au moins un quartier où l'action se déroule.")
    elif parts != CENT:
        add(
            "quartiers",
            f"Les parts des quartiers totalisent {number_format(parts)} % au lieu de 100 %.",
        )

    if demande <= 0:
        add("financements", "Sollicitez au moins un financeur pour un montant positif.")
    totaux = selectors.budget_totaux(action)
    if totaux.charges <= 0:
        add("budget", "Le budget prévisionnel doit comporter des charges.")
    if totaux.charges != totaux.produits:
        add(
            "budget",
            f"Le budget n'est pas équilibré : {montant(totaux.charges)} de charges pour "
            f"{montant(totaux.produits)} de produits.",
        )
    if totaux.charges_en_nature != totaux.produits_en_nature:
        add("budget", "Les contributions en nature (comptes 86 et 87) doivent s'équilibrer.")
    for financement in action.financements.select_related("financeur"):
        ligne = action.lignes_budget.filter(
            compte=COMPTE_SUBVENTIONS, financeur=financement.financeur
        ).aggregate(total=Sum("montant_previsionnel"))["total"]
        if ligne != financement.montant_demande:
            add(
                "budget",
                f"La subvention demandée à {financement.financeur.nom} "
                f"({montant(financement.montant_demande)}) doit figurer au compte 74 du budget.",
            )
    return errors


@transaction.atomic
def action_transition(*, action, code, user, commentaire=""):
    """Move the action one step along the workflow table, recording who, when and why.

    The row is locked so that two people cannot take concurrent steps; the rule is
    checked again on the locked row. Notifications leave once the transaction commits.
    """
    action = (
        Action.objects.select_for_update(of=("self",)).select_related("appel").get(pk=action.pk)
    )
    if code not in TRANSITIONS:
        raise ValidationError(f"Étape inconnue : {code}.")
    if not perms.can_transition(user, action, code):
        raise PermissionDenied(
            f"Vous ne pouvez pas « {TRANSITIONS[code].label.lower()} » "
            f"une action à l'état « {action.get_etat_display()} »."
        )
    if code in COMMENT_REQUIRED and not commentaire.strip():
        raise ValidationError({"commentaire": "Expliquez cette décision au porteur."})
    if code in SUBMISSIONS:
        errors = action_submission_errors(action)
        if errors:
            raise ValidationError(errors)
        action.deposee_le = action.deposee_le or timezone.now()
    if code == "instruire" and action.instructeur_id is None:
        action.instructeur = user
    if code == "programmer" and not action.financements.filter(montant_accorde__gt=0).exists():
        raise ValidationError(
            {"financements": "Indiquez le montant accordé par au moins un financeur."}
        )

    etat_avant = action.etat
    action.etat = TRANSITIONS[code].target
    action.save()
    step = TransitionAction.objects.create(
        action=action,
        code=code,
        etat_avant=etat_avant,
        etat_apres=action.etat,
        auteur=user,
        commentaire=commentaire.strip(),
    )
    from programmation.tasks import notify_transition

    transaction.on_commit(lambda: notify_transition.delay(step.pk))
    return action


@transaction.atomic
def avis_record(*, action, user, sens, montant_propose=None, commentaire="", annotation_privee=""):
    """Record (or revise) the opinion of the user's organisation on a solicited action."""
    action = Action.objects.select_for_update(of=("self",)).get(pk=action.pk)
    if not perms.can_give_avis(user, action):
        raise PermissionDenied("Votre organisation ne peut pas rendre d'avis sur cette action.")
    avis, _ = Avis.objects.update_or_create(
        action=action,
        financeur_id=user.organisation_id,
        defaults={
            "auteur": user,
            "sens": sens,
            "montant_propose": montant_propose,
            "commentaire": commentaire,
            "annotation_privee": annotation_privee,
            "date": timezone.now(),
        },
    )
    avis.full_clean()
    action.financements.filter(financeur_id=user.organisation_id).update(
        montant_propose=montant_propose
    )
    return avis


@transaction.atomic
def comite_decide(*, action, user, code, montants=None, commentaire=""):
    """The committee's decision on one action: programmer (with the amount granted by each
    funder, {financement_id: amount}), refuser or ajourner."""
    if code not in {"programmer", "refuser", "ajourner"}:
        raise ValidationError(f"Décision inconnue : {code}.")
    if code == "programmer":
        financements = {f.pk: f for f in action.financements.all()}
        for pk, montant in (montants or {}).items():
            if pk not in financements:
                raise ValidationError({"financements": "Ce financement n'est pas sur l'action."})
            if montant is not None and montant < 0:
                raise ValidationError({"financements": "Un montant accordé ne peut être négatif."})
            financements[pk].montant_accorde = montant
            financements[pk].save(update_fields=["montant_accorde"])
    return action_transition(action=action, code=code, user=user, commentaire=commentaire)
