"""Writes on bilans (CERFA 15059) and their reminders."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Sum
from django.utils import timezone

from cdv.formats import montant
from programmation import notifications, perms, selectors
from programmation.enums import EtatAction
from programmation.models import Action, Bilan, BilanQuartier, Relance
from programmation.services.base import lock, pourcentage

# The bilan's own fields the porteur fills in, in the form's order (the budget and
# indicators live elsewhere).
BILAN_CHAMPS = (
    "beneficiaires_total",
    "femmes",
    "hommes",
    "tranches_age",
    "part_qpv",
    "mise_en_oeuvre",
    "resultats",
    "difficultes",
    "suites",
)


def _signe(value, suffix):
    return f"{'+' if value > 0 else ''}{suffix}"


def bilan_submission_errors(action):
    """Every problem that prevents depositing the bilan, as {field: [messages]}: the number
    of beneficiaries and the results; women + men and the per-quartier counts within the
    total; a realised amount on every budget line, the realised budget balanced (in-kind
    contributions apart), an explanation on every line whose gap exceeds the call's threshold;
    the value achieved by every indicator. Per line: `ligne_<id>`; per indicator:
    `indicateur_<id>`."""
    errors = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    bilan = Bilan.objects.filter(action=action).first()
    if bilan is None:
        add("bilan", "Remplissez le bilan de l'action avant de le déposer.")
    else:
        total = bilan.beneficiaires_total
        if total is None:
            add("beneficiaires_total", "Indiquez le nombre de bénéficiaires de l'action.")
        else:
            if bilan.femmes is not None or bilan.hommes is not None:
                femmes, hommes = bilan.femmes or 0, bilan.hommes or 0
                if femmes + hommes > total:
                    add(
                        "femmes",
                        f"Les femmes ({femmes}) et les hommes ({hommes}) sont plus nombreux "
                        f"que l'ensemble des bénéficiaires ({total}).",
                    )
            par_quartier = bilan.quartiers.aggregate(total=Sum("beneficiaires"))["total"]
            if par_quartier is not None and par_quartier > total:
                add(
                    "quartiers",
                    f"Les bénéficiaires comptés par quartier ({par_quartier}) sont plus "
                    f"nombreux que l'ensemble des bénéficiaires ({total}).",
                )
        if not bilan.resultats.strip():
            add("resultats", "Décrivez les résultats obtenus.")

    seuil = pourcentage(action.appel.seuil_ecart_bilan)
    manquantes = False
    for ligne in selectors.ecarts_budget(action):
        field = f"ligne_{ligne.ligne_id}"
        if ligne.realise is None:
            manquantes = True
            add(field, f"Indiquez le montant réalisé de la ligne « {ligne.libelle} ».")
        elif ligne.justification_requise and not ligne.justification.strip():
            if ligne.ecart_pourcentage is None:
                add(
                    field,
                    f"La ligne « {ligne.libelle} » n'était pas prévue au budget : expliquez "
                    f"son montant réalisé ({montant(ligne.realise)}).",
                )
            else:
                add(
                    field,
                    f"L'écart de la ligne « {ligne.libelle} » "
                    f"({_signe(ligne.ecart, montant(ligne.ecart))}, "
                    f"{_signe(ligne.ecart, pourcentage(ligne.ecart_pourcentage))} %) "
                    f"dépasse {seuil} % : expliquez-le.",
                )
    if not manquantes:
        totaux = selectors.budget_totaux(action, field="montant_realise")
        if totaux.charges != totaux.produits:
            add(
                "budget",
                f"Le budget réalisé n'est pas équilibré : {montant(totaux.charges)} de charges "
                f"pour {montant(totaux.produits)} de produits.",
            )
        if totaux.charges_en_nature != totaux.produits_en_nature:
            add(
                "budget",
                "Les contributions en nature réalisées doivent s'équilibrer : "
                f"{montant(totaux.charges_en_nature)} au compte 86 pour "
                f"{montant(totaux.produits_en_nature)} au compte 87.",
            )
    for indicateur in action.indicateurs.filter(realise__isnull=True):
        add(
            f"indicateur_{indicateur.pk}",
            f"Indiquez la valeur atteinte de l'indicateur « {indicateur.libelle} ».",
        )
    return errors


def _merge(errors, exc, prefix=None):
    for field, messages in exc.message_dict.items():
        key = prefix or field
        errors.setdefault(key, []).extend(messages)


def _vide(value):
    return value is None or (isinstance(value, str) and not value.strip())


@transaction.atomic
def bilan_save(*, action, user, lignes=None, indicateurs=None, quartiers=None, **champs):
    """Save the porteur's bilan as a draft: only what is passed changes, and only each value's
    own form is checked (the whole bilan is checked when it is deposited).

    - `champs`: the bilan's fields (BILAN_CHAMPS), e.g. beneficiaires_total=40, resultats="…";
    - `lignes`: {budget line id: {"montant_realise": …, "justification_ecart": …}};
    - `indicateurs`: {indicator id: value achieved};
    - `quartiers`: {quartier id: beneficiaries}, replacing the per-quartier counts.
    Every problem is reported at once, and then nothing is written.
    """
    locked = lock(action)
    if not perms.can_edit_bilan(user, locked):
        raise PermissionDenied(
            "Le bilan est rempli par le porteur de l'action, tant qu'il est attendu."
        )
    inconnus = set(champs) - set(BILAN_CHAMPS)
    if inconnus:
        raise TypeError(f"Champs inconnus du bilan : {', '.join(sorted(inconnus))}.")
    errors = {}
    bilan, _ = Bilan.objects.get_or_create(action=locked)
    for name, value in champs.items():
        text = isinstance(Bilan._meta.get_field(name), models.TextField)
        if _vide(value):
            value = "" if text else None
        setattr(bilan, name, value.strip() if text else value)
    try:
        bilan.full_clean(exclude=["action"])
    except ValidationError as exc:
        _merge(errors, exc)
    else:
        bilan.save()

    if lignes:
        par_id = {ligne.pk: ligne for ligne in locked.lignes_budget.all()}
        for pk, values in lignes.items():
            ligne = par_id.get(_pk(pk))
            if ligne is None:
                errors.setdefault("lignes_budget", []).append(
                    "Cette ligne n'est pas au budget de l'action."
                )
                continue
            if not isinstance(values, dict):
                values = {"montant_realise": values}
            if "montant_realise" in values:
                realise = values["montant_realise"]
                ligne.montant_realise = None if _vide(realise) else realise
            if "justification_ecart" in values:
                ligne.justification_ecart = (values["justification_ecart"] or "").strip()
            try:
                ligne.full_clean(exclude=["action"])
            except ValidationError as exc:
                _merge(errors, exc, prefix=f"ligne_{ligne.pk}")
            else:
                ligne.save(update_fields=["montant_realise", "justification_ecart"])

    if indicateurs:
        par_id = {indicateur.pk: indicateur for indicateur in locked.indicateurs.all()}
        for pk, realise in indicateurs.items():
            indicateur = par_id.get(_pk(pk))
            if indicateur is None:
                errors.setdefault("indicateurs", []).append(
                    "Cet indicateur n'est pas celui de l'action."
                )
                continue
            indicateur.realise = None if _vide(realise) else realise
            try:
                indicateur.full_clean(exclude=["action"])
            except ValidationError as exc:
                _merge(errors, exc, prefix=f"indicateur_{indicateur.pk}")
            else:
                indicateur.save(update_fields=["realise"])

    if quartiers is not None:
        bilan.quartiers.all().delete()
        for quartier, beneficiaires in quartiers.items():
            if _vide(beneficiaires):
                continue
            ligne = BilanQuartier(
                bilan=bilan,
                quartier_id=getattr(quartier, "pk", quartier),
                beneficiaires=beneficiaires,
            )
            try:
                ligne.full_clean(exclude=["bilan"])
            except ValidationError as exc:
                _merge(errors, exc, prefix="quartiers")
            else:
                ligne.save()

    if errors:
        raise ValidationError(errors)
    return bilan


def _pk(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# Reminders ---------------------------------------------------------------------------------

# Reminders start this long before the bilan's deadline, and come back at this interval
# until the bilan is deposited.
RELANCE_AVANT = datetime.timedelta(days=15)
RELANCE_INTERVALLE = datetime.timedelta(days=7)


def bilans_a_relancer(*, today):
    """Actions whose bilan is expected, due within RELANCE_AVANT or overdue, and not
    reminded within RELANCE_INTERVALLE."""
    return (
        Action.objects.filter(
            etat=EtatAction.BILAN_ATTENDU,
            appel__date_limite_bilan__isnull=False,
            appel__date_limite_bilan__lte=today + RELANCE_AVANT,
        )
        .exclude(relances__date__gt=today - RELANCE_INTERVALLE)
        .select_related("appel", "porteur")
        .order_by("pk")
    )


@transaction.atomic
def bilan_relance(*, action, today):
    """Remind the porteur of one action that its bilan is expected, once for `today`.
    Returns the reminder, or None when it was already sent today or nobody can receive it."""
    recipients = notifications.bilan_relance_recipients(action)
    if not recipients:
        return None
    relance, created = Relance.objects.get_or_create(
        action=action,
        date=today,
        defaults={"echeance": action.appel.date_limite_bilan, "nb_destinataires": len(recipients)},
    )
    if not created:
        return None
    # Sent inside the transaction: if the mail server fails, no reminder is recorded and the
    # retried task sends it.
    notifications.bilan_relance_send(relance=relance, recipients=recipients)
    return relance


def bilans_remind(*, today=None):
    """E-mail the porteurs of the bilans due in the next 15 days or overdue: the first time
    they enter that window, then every 7 days; never twice the same day however often it
    runs. Returns how many actions were reminded."""
    today = today or timezone.localdate()
    return sum(
        1
        for action in bilans_a_relancer(today=today)
        if bilan_relance(action=action, today=today) is not None
    )
