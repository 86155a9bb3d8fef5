"""Writes on applications: their content (at the version the user read), the deposit's
checks, the workflow's steps, the funders' opinions and the committee's decisions."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from cdv.formats import montant
from programmation import perms, selectors, services_echanges
from programmation.enums import (
    COMPTE_SUBVENTIONS,
    TRANSITIONS,
    EtatAppel,
    NatureFinancement,
)
from programmation.models import (
    Action,
    Avis,
    Bilan,
    Financement,
    TransitionAction,
)
from programmation.services.base import CENT, lock, pourcentage, to_decimal
from programmation.services.bilans import bilan_submission_errors

REQUIRED = "Ce champ est obligatoire pour déposer la demande."
# Codes whose application must be complete: the porteur hands it over to the instructors.
SUBMISSIONS = {"deposer", "completer"}
# Codes whose bilan must be complete: the porteur hands it over to the instructors.
BILAN_SUBMISSIONS = {"deposer_bilan"}
# Codes that need a comment explaining them to the porteur.
COMMENT_REQUIRED = {"demander_complements", "demander_complements_bilan", "refuser", "ajourner"}
# What a programming committee decides for one action.
COMITE_DECISIONS = {"programmer", "refuser", "ajourner"}


def action_submission_errors(action):
    """Every problem that prevents submitting the application, as {field: [messages]}.

    The short form (total requested under the call's threshold) needs no indicators,
    human resources nor detailed objectives, and only the statutes and the RIB among the
    organisation's documents (services_echanges.natures_obligatoires).
    """
    errors = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    for field in ("intitule", "description", "public_vise", "lieux"):
        if not (getattr(action, field) or "").strip():
            add(field, REQUIRED)
    for field in ("pilier_id", "objectif_id", "date_debut", "date_fin", "beneficiaires_prevus"):
        if getattr(action, field) is None:
            add(field.removesuffix("_id"), REQUIRED)
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
            f"Les parts des quartiers totalisent {pourcentage(parts)} % au lieu de 100 %.",
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
        add(
            "budget",
            "Les contributions en nature doivent s'équilibrer : "
            f"{montant(totaux.charges_en_nature)} au compte 86 pour "
            f"{montant(totaux.produits_en_nature)} au compte 87.",
        )
    # Per funder, as one funder may be asked for specific credits and ordinary budgets.
    demandes = (
        action.financements.values("financeur", "financeur__nom")
        .annotate(total=Sum("montant_demande"))
        .order_by("financeur__nom")
    )
    lignes = dict(
        action.lignes_budget.filter(compte=COMPTE_SUBVENTIONS, financeur__isnull=False)
        .values("financeur")
        .annotate(total=Sum("montant_previsionnel"))
        .values_list("financeur", "total")
    )
    for demandee in demandes:
        ligne = lignes.get(demandee["financeur"])
        if ligne is None:
            add(
                "budget",
                f"La subvention demandée à {demandee['financeur__nom']} "
                f"({montant(demandee['total'])}) doit figurer au compte 74 du budget.",
            )
        elif ligne != demandee["total"]:
            add(
                "budget",
                f"La subvention demandée à {demandee['financeur__nom']} "
                f"({montant(demandee['total'])}) diffère de celle inscrite au compte 74 "
                f"du budget ({montant(ligne)}).",
            )
    # The organisation's documents (statutes, RIB…): attached, or reused while valid.
    for message in services_echanges.pieces_submission_errors(action):
        add("pieces", message)
    return errors


# Content -----------------------------------------------------------------------------------

PERIMEE = (
    "Cette demande a été modifiée par {qui}{quand} pendant que vous la modifiiez : vos "
    "changements ne sont pas enregistrés. Voici la version actuelle ; reportez-y vos "
    "modifications."
)
VERSION_REQUISE = (
    "Indiquez la version de la demande que vous avez lue : rechargez la page pour la modifier."
)
INTERDIT_MODIFIER = "Vous ne pouvez pas modifier cette demande dans son état actuel."


class VersionPerimee(ValidationError):
    """The application changed since the user read it: `actuel` is the action as it now is
    (with `modifiee_par`), `message` names who saved it and when."""

    def __init__(self, *, actuel):
        self.actuel = actuel
        super().__init__({"version": [perimee_message(actuel)]})


def perimee_message(actuel):
    """The French refusal of a save made over an older version than `actuel`."""
    auteur = actuel.modifiee_par
    qui = (auteur.get_full_name() or auteur.email) if auteur else "quelqu'un d'autre"
    quand = ""
    if actuel.modifiee_le:
        moment = timezone.localtime(actuel.modifiee_le)
        quand = f" le {moment:%d/%m/%Y} à {moment:%H:%M}"
    return PERIMEE.format(qui=qui, quand=quand)


@transaction.atomic
def action_content_save(*, action, user, version, formulaire):
    """Save the application's content as `formulaire` (a validated form whose `save()`
    writes it on `action`) has it, if the action is still at `version`, the one the user
    read; else VersionPerimee and nothing is written.

    The version is taken by a conditional UPDATE (`WHERE version = <read>`): of two saves
    made over the same version, the database lets exactly one through, whatever the
    timing; the other finds no row to update. A new action (no pk) needs no version.
    """
    now = timezone.now()
    if action.pk is None:
        action.modifiee_le, action.modifiee_par = now, user
        return formulaire.save()
    if version is None:
        raise ValidationError({"version": [VERSION_REQUISE]})
    # unscoped: the caller reached the action through Action.objects.for_user().
    pris = Action.objects.filter(pk=action.pk, version=version).update(
        version=F("version") + 1, modifiee_le=now, modifiee_par=user
    )
    if not pris:
        raise VersionPerimee(actuel=Action.objects.select_related("modifiee_par").get(pk=action.pk))
    # The row is now ours until commit: the rule is checked on its current state, in case
    # a workflow step moved it since the page was read.
    actuel = Action.objects.select_related("appel").get(pk=action.pk)
    if not perms.can_edit_application(user, actuel):
        raise PermissionDenied(INTERDIT_MODIFIER)
    action.version, action.modifiee_le, action.modifiee_par = actuel.version, now, user
    return formulaire.save()


# Workflow ------------------------------------------------------------------------------------


def _check_transition(user, action, code):
    if code not in TRANSITIONS:
        raise ValidationError(f"Étape inconnue : {code}.")
    if not perms.can_transition(user, action, code):
        raise PermissionDenied(
            f"Vous ne pouvez pas « {TRANSITIONS[code].label.lower()} » "
            f"une action à l'état « {action.get_etat_display()} »."
        )


@transaction.atomic
def action_transition(*, action, code, user, commentaire=""):
    """Move the action one step along the workflow table, recording who, when and why.

    The row is locked so that two people cannot take concurrent steps; the rule is
    checked again on the locked row. Notifications leave once the transaction commits.
    Returns the action as saved (the instance passed in is not updated).
    """
    action = lock(action)
    _check_transition(user, action, code)
    commentaire = (commentaire or "").strip()
    if code in COMMENT_REQUIRED and not commentaire:
        raise ValidationError({"commentaire": "Expliquez cette décision au porteur."})
    if code == "deposer" and action.appel.etat != EtatAppel.OUVERT:
        raise ValidationError(
            f"L'appel « {action.appel.titre} » n'est pas ouvert aux dépôts "
            f"({action.appel.get_etat_display().lower()})."
        )
    if code in SUBMISSIONS:
        errors = action_submission_errors(action)
        if errors:
            raise ValidationError(errors)
        services_echanges.pieces_reprendre(action=action)
        action.deposee_le = action.deposee_le or timezone.now()
    if code in BILAN_SUBMISSIONS:
        errors = bilan_submission_errors(action)
        if errors:
            raise ValidationError(errors)
        Bilan.objects.filter(action=action).update(date_depot=timezone.now())
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
        commentaire=commentaire,
    )
    from programmation.tasks import notify_transition

    # Robust: once the step is committed, a broker outage must not turn it into an error page.
    transaction.on_commit(lambda: notify_transition.delay(step.pk), robust=True)
    return action


@transaction.atomic
def avis_record(*, action, user, sens, montant_propose=None, commentaire="", annotation_privee=""):
    """Record (or revise) the opinion of the user's organisation on a solicited action;
    the proposed amount is copied to that funder's financing (see below)."""
    action = lock(action)
    if not perms.can_give_avis(user, action):
        raise PermissionDenied("Votre organisation ne peut pas rendre d'avis sur cette action.")
    montant_propose = to_decimal(montant_propose, "montant_propose")
    avis = Avis.objects.filter(action=action, financeur_id=user.organisation_id).first()
    avis = avis or Avis(action=action, financeur_id=user.organisation_id)
    avis.auteur = user
    avis.sens = sens
    avis.montant_propose = montant_propose
    avis.commentaire = commentaire
    avis.annotation_privee = annotation_privee
    avis.date = timezone.now()
    avis.full_clean()
    avis.save()
    # One proposal per funder: it goes on its crédits spécifiques line (else its first line),
    # so that a funder asked under both natures is not counted twice.
    lignes = sorted(
        action.financements.filter(financeur_id=user.organisation_id),
        key=lambda f: (f.nature != NatureFinancement.SPECIFIQUE, f.pk),
    )
    for index, financement in enumerate(lignes):
        financement.montant_propose = montant_propose if index == 0 else None
        financement.save(update_fields=["montant_propose"])
    return avis


@transaction.atomic
def comite_decide(*, action, user, code, montants=None, commentaire=""):
    """The committee's decision on one action: programmer (with the amount granted by each
    funder, {financement_id: amount}), refuser or ajourner."""
    if code not in COMITE_DECISIONS:
        raise ValidationError(f"Décision inconnue : {code}.")
    locked = lock(action)
    # The rule first: nobody learns about, or writes, the amounts of an action they cannot decide.
    _check_transition(user, locked, code)
    if code == "programmer":
        financements = {f.pk: f for f in Financement.objects.filter(action=locked)}
        for pk, value in (montants or {}).items():
            try:
                financement = financements[int(pk)]
            except (KeyError, TypeError, ValueError):
                raise ValidationError(
                    {"financements": "Ce financement n'est pas sur l'action."}
                ) from None
            accorde = to_decimal(value, "financements")
            if accorde is not None and accorde < 0:
                raise ValidationError({"financements": "Un montant accordé ne peut être négatif."})
            financement.montant_accorde = accorde
            financement.full_clean()
            financement.save(update_fields=["montant_accorde"])
    return action_transition(action=locked, code=code, user=user, commentaire=commentaire)


@transaction.atomic
def action_declare_non_realisee(*, action, user, montant_a_reverser=None, commentaire=""):
    """Declare a funded action not carried out, with the amount the porteur must pay back:
    by default everything paid to it (every payment of every convention), never more."""
    code = "declarer_non_realisee"
    locked = lock(action)
    _check_transition(user, locked, code)
    reverser = to_decimal(montant_a_reverser, "montant_a_reverser")
    verse = selectors.total_verse(locked)
    if reverser is None:
        reverser = verse
    if reverser < 0 or reverser > verse:
        raise ValidationError(
            {
                "montant_a_reverser": "Le montant à reverser doit être compris entre 0 et "
                f"le montant versé ({montant(verse)})."
            }
        )
    locked.montant_a_reverser = reverser
    locked.save(update_fields=["montant_a_reverser"])
    return action_transition(action=locked, code=code, user=user, commentaire=commentaire)
