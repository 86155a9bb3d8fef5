"""Writes of the EPS teams and commissions — teams and members, commissions, agenda,
attendance, decisions, minutes — and the opening of a pathway when a commission decides it.

Every function is keyword-only, checks the permission (pre.perms) then the rules, and writes
everything or nothing. Refusals are PermissionDenied; bad input is ValidationError with
French messages keyed by field.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from cdv.enums import RoleCode
from cdv.models import Contrat, User
from pre import perms, selectors_parcours
from pre.enums import DecisionEPS, EtatParcours
from pre.models import (
    CommissionEPS,
    EquipeEPS,
    Parcours,
    Reperage,
    SituationCommission,
)

REFUSE = "Seule l'équipe du PRE du contrat peut modifier les équipes et les commissions de l'EPS."
NOM_EN_DOUBLE = "Une équipe porte déjà ce nom dans ce contrat."
NOM_VIDE = "Indiquez le nom de l'équipe."
MEMBRE_HORS_CONTRAT = "Choisissez les membres parmi les personnes du contrat."
EQUIPE_AUTRE_CONTRAT = "Choisissez une équipe de ce contrat."
REPERAGE_AUTRE_CONTRAT = "Choisissez le repérage d'un enfant de ce contrat."
REPERAGE_DEJA_INSCRIT = "Ce repérage est déjà inscrit à l'ordre du jour d'une commission."
REPERAGE_DECIDE = "La commission a déjà statué sur ce repérage."
PRESENT_HORS_EQUIPE = "Les présents sont choisis parmi les membres de l'équipe."
DECISION_VIDE = "Choisissez la décision de la commission."
DECISION_DEFINITIVE = (
    "L'entrée en parcours est déjà décidée pour cette situation : le parcours n° {} existe."
)
PARCOURS_EN_COURS = "L'enfant n° {} a déjà un parcours en cours ou en liste d'attente (n° {})."
COMMISSION_A_VENIR = (
    "La commission se tient le {:%d/%m/%Y} : sa décision s'enregistre à partir de ce jour."
)
ENTREE_AVANT_COMMISSION = "L'entrée en parcours ne peut précéder la commission ({:%d/%m/%Y})."
ENTREE_FUTURE = "L'entrée en parcours ne peut être postérieure à aujourd'hui."
PLAFOND_ATTEINT = (
    "La file active a atteint son plafond ({}) : le parcours est inscrit en liste d'attente."
)


def _check(user, contrat_id):
    if not perms.can_manage_eps(user, contrat_id):
        raise PermissionDenied(REFUSE)


# Selectors -------------------------------------------------------------------------------


def membres_possibles(contrat):
    """The people who may sit in an EPS team of `contrat`: its users holding the role of
    EPS member or PRE referent."""
    return (
        User.objects.filter(
            contrats=contrat,
            is_active=True,
            roles__code__in=[RoleCode.MEMBRE_EPS, RoleCode.REFERENT_PRE],
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def reperages_a_examiner(contrat):
    """The referrals of the contract's children that may go on an agenda: not on an agenda
    awaiting its decision, and on which no commission has ruled (only adjournments)."""
    return (
        Reperage.objects.filter(enfant__contrat=contrat, enfant__anonymise_le__isnull=True)
        .annotate(
            en_suspens=Count(
                "situations",
                filter=~Q(situations__decision=DecisionEPS.AJOURNE),
            )
        )
        .filter(en_suspens=0)
        .select_related("enfant")
        .order_by("date", "pk")
    )


def commissions_with_list_related_data(queryset):
    """Commissions with their team and the counts their list shows (agenda, decided,
    present), in one query."""
    return (
        queryset.select_related("equipe")
        .annotate(
            nb_situations=Count("situations", distinct=True),
            nb_decisions=Count("situations", filter=~Q(situations__decision=""), distinct=True),
            nb_presents=Count("presents", distinct=True),
        )
        .order_by("-date", "equipe__nom", "pk")
    )


# Teams -----------------------------------------------------------------------------------


@transaction.atomic
def equipe_create(*, contrat, nom, user):
    """Create the EPS team `nom` of `contrat`."""
    _check(user, contrat.pk)
    nom = (nom or "").strip()
    if not nom:
        raise ValidationError({"nom": [NOM_VIDE]})
    if EquipeEPS.objects.filter(contrat=contrat, nom__iexact=nom).exists():
        raise ValidationError({"nom": [NOM_EN_DOUBLE]})
    equipe = EquipeEPS(contrat=contrat, nom=nom)
    equipe.full_clean()
    equipe.save()
    return equipe


@transaction.atomic
def equipe_set_membres(*, equipe, membres, user):
    """Replace the members of `equipe` by `membres` (people of its contract)."""
    _check(user, equipe.contrat_id)
    possibles = set(membres_possibles(equipe.contrat).values_list("pk", flat=True))
    if any(membre.pk not in possibles for membre in membres):
        raise ValidationError({"membres": [MEMBRE_HORS_CONTRAT]})
    equipe.membres.set(membres)
    return equipe


# Commissions -----------------------------------------------------------------------------


@transaction.atomic
def commission_create(*, equipe, date, user, contrat=None):
    """Create a commission of `equipe` on `date` (`contrat`: the one it must belong to)."""
    _check(user, equipe.contrat_id)
    if contrat is not None and equipe.contrat_id != contrat.pk:
        raise ValidationError({"equipe": [EQUIPE_AUTRE_CONTRAT]})
    commission = CommissionEPS(equipe=equipe, date=date)
    commission.full_clean()
    commission.save()
    return commission


@transaction.atomic
def situation_add(*, commission, reperage, user):
    """Put `reperage` on the agenda of `commission`."""
    contrat_id = commission.equipe.contrat_id
    _check(user, contrat_id)
    if reperage.enfant.contrat_id != contrat_id:
        raise ValidationError({"reperage": [REPERAGE_AUTRE_CONTRAT]})
    autres = reperage.situations.all()
    if any(s.decision in (DecisionEPS.ENTREE, DecisionEPS.ORIENTATION) for s in autres):
        raise ValidationError({"reperage": [REPERAGE_DECIDE]})
    if any(not s.decision or s.commission_id == commission.pk for s in autres):
        raise ValidationError({"reperage": [REPERAGE_DEJA_INSCRIT]})
    return SituationCommission.objects.create(commission=commission, reperage=reperage)


@transaction.atomic
def commission_set_presents(*, commission, presents, user):
    """Record who of the team attended `commission`."""
    _check(user, commission.equipe.contrat_id)
    membres = set(commission.equipe.membres.values_list("pk", flat=True))
    if any(present.pk not in membres for present in presents):
        raise ValidationError({"presents": [PRESENT_HORS_EQUIPE]})
    commission.presents.set(presents)
    return commission


@transaction.atomic
def compte_rendu_save(*, commission, compte_rendu, user):
    """Write the minutes of `commission` (encrypted at rest)."""
    _check(user, commission.equipe.contrat_id)
    commission.compte_rendu = (compte_rendu or "").strip() or None
    commission.save(update_fields=["compte_rendu"])
    return commission


@transaction.atomic
def situation_decide(*, situation, decision, commentaire, user, date_entree=None):
    """Record the commission's decision on `situation`, with its comment, once the
    commission has met. "Entrée en parcours" opens the child's pathway (parcours_ouvrir) on
    `date_entree` (the commission's day by default, never before it nor after today); it is
    final. Returns the pathway opened, or None."""
    commission = situation.commission
    _check(user, commission.equipe.contrat_id)
    if decision not in DecisionEPS.values:
        raise ValidationError({"decision": [DECISION_VIDE]})
    today = timezone.localdate()
    if commission.date > today:
        raise ValidationError({"decision": [COMMISSION_A_VENIR.format(commission.date)]})
    date_entree = date_entree or commission.date
    if decision == DecisionEPS.ENTREE and date_entree < commission.date:
        raise ValidationError({"date_entree": [ENTREE_AVANT_COMMISSION.format(commission.date)]})
    if decision == DecisionEPS.ENTREE and date_entree > today:
        raise ValidationError({"date_entree": [ENTREE_FUTURE]})
    if situation.decision == DecisionEPS.ENTREE:
        ouvert = Parcours.objects.filter(reperage=situation.reperage).first()
        raise ValidationError(
            {"decision": [DECISION_DEFINITIVE.format(ouvert.pk if ouvert else "")]}
        )
    situation.decision = decision
    situation.commentaire = (commentaire or "").strip() or None
    situation.full_clean()
    situation.save()
    if decision == DecisionEPS.ENTREE:
        return parcours_ouvrir(reperage=situation.reperage, user=user, date=date_entree)
    return None


@transaction.atomic
def parcours_ouvrir(*, reperage, user, date):
    """Open the pathway of `reperage`'s child, decided by a commission on `date`.

    Below the cap of the contract's active file (ConfigurationPRE.plafond_file_active, 35
    without a configuration) the pathway is "actif" from `date`; at the cap it goes on the
    waiting list ("en_attente"), never refused: the returned pathway's `avertissement` then
    says so in French (empty otherwise). A child with a pathway already running or waiting
    gets a ValidationError.
    """
    enfant = reperage.enfant
    _check(user, enfant.contrat_id)
    # Serialise the openings of one contract so that two decisions cannot both take the
    # last place of the active file.
    Contrat.objects.select_for_update().filter(pk=enfant.contrat_id).first()
    en_cours = (
        Parcours.objects.filter(
            enfant=enfant, etat__in=[EtatParcours.ACTIF, EtatParcours.EN_ATTENTE]
        )
        .values_list("pk", flat=True)
        .first()
    )
    if en_cours is not None:
        raise ValidationError({"decision": [PARCOURS_EN_COURS.format(enfant.pk, en_cours)]})
    plafond = selectors_parcours.plafond(enfant.contrat_id)
    parcours = Parcours(enfant=enfant, reperage=reperage, date_inscription=date)
    if selectors_parcours.nb_actifs(enfant.contrat_id) < plafond:
        parcours.etat = EtatParcours.ACTIF
        parcours.date_entree = date
        avertissement = ""
    else:
        parcours.etat = EtatParcours.EN_ATTENTE
        avertissement = PLAFOND_ATTEINT.format(plafond)
    parcours.full_clean()
    parcours.save()
    parcours.avertissement = avertissement
    return parcours
