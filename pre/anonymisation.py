"""The anonymisation of old pathways (run nightly by pre.tasks.anonymiser_parcours_clos).

A child is anonymised when, in its contract's PRE, every pathway of it is closed, the
latest exit happened more than `ConfigurationPRE.conservation_annees` years ago (strictly
before the same day N years back), and no referral of it is pending (a referral without a
pathway made less than N years ago). Children with no pathway at all are left alone.

Erased: the child's name, first name, birth date, school and class; its guardians
(deleted); its consent documents (files deleted, the dated row kept); the comments of its
referrals and of the commissions' decisions about it; its pathways' objectives and
satisfaction questionnaires; its reviews' text; its actions' titles (replaced by the
axis). Kept, for the statistics: sex, birth year, quartier, dates, states, exit reasons,
adherence, referrer kind, motives, teams, costs. Idempotent: anonymised children are
skipped. The minutes of the commissions that examined the child, shared by several
children, keep their text with the child's and its guardians' names replaced.
"""

import logging
import re

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from cdv.models import Contrat
from pre.enums import AxeParcours, EtatParcours
from pre.models import (
    ActionParcours,
    CommissionEPS,
    ConfigurationPRE,
    Consentement,
    Enfant,
    Parcours,
    Reperage,
    ResponsableLegal,
    RevueParcours,
    SituationCommission,
)

logger = logging.getLogger(__name__)
CONSERVATION_PAR_DEFAUT = 2


def _il_y_a(today, annees):
    try:
        return today.replace(year=today.year - annees)
    except ValueError:  # 29 February
        return today.replace(year=today.year - annees, day=28)


def enfants_a_anonymiser(*, contrat, today):
    """The children of `contrat` whose data are past their retention period."""
    config = ConfigurationPRE.objects.filter(contrat=contrat).first()
    annees = config.conservation_annees if config else CONSERVATION_PAR_DEFAUT
    limite = _il_y_a(today, annees)
    recent_ou_ouvert = Parcours.objects.filter(enfant=OuterRef("pk")).filter(
        ~Q(etat=EtatParcours.CLOS) | Q(date_sortie__isnull=True) | Q(date_sortie__gte=limite)
    )
    reperage_en_cours = Reperage.objects.filter(
        enfant=OuterRef("pk"), parcours__isnull=True, date__gte=limite
    )
    return (
        Enfant.objects.filter(contrat=contrat, anonymise_le__isnull=True)
        .filter(Exists(Parcours.objects.filter(enfant=OuterRef("pk"))))
        .exclude(Exists(recent_ou_ouvert))
        .exclude(Exists(reperage_en_cours))
    )


def _noms(enfant):
    noms = [enfant.nom, enfant.prenom]
    for responsable in enfant.responsables.all():
        noms += [responsable.nom, responsable.prenom]
    return {nom.strip() for nom in noms if nom and nom.strip()}


def comptes_rendus_expurger(enfants):
    """Replace the names of `enfants` and of their guardians, in the minutes of the
    commissions that examined them, by "[dossier n° X]" (the number the log of reads
    keeps). Call it before the names themselves are erased."""
    for enfant in enfants:
        noms = sorted(_noms(enfant), key=len, reverse=True)
        if not noms:
            continue
        # Whole words, whatever the case, longest first.
        motif = re.compile(
            r"\b(?:{})\b".format("|".join(re.escape(nom) for nom in noms)), re.IGNORECASE
        )
        marque = f"[dossier n° {enfant.pk}]"
        # "Léa Martinez" becomes one mark, not two.
        doublons = re.compile(rf"{re.escape(marque)}(?:\s+{re.escape(marque)})+")
        commissions = CommissionEPS.objects.filter(situations__reperage__enfant=enfant).distinct()
        for commission in commissions:
            texte = commission.compte_rendu or ""
            expurge = doublons.sub(marque, motif.sub(marque, texte))
            if expurge != texte:
                commission.compte_rendu = expurge
                commission.save(update_fields=["compte_rendu"])


def _effacer(enfant_ids, *, now):
    comptes_rendus_expurger(
        Enfant.objects.filter(pk__in=enfant_ids).prefetch_related("responsables")
    )
    for consentement in Consentement.objects.filter(enfant__in=enfant_ids).exclude(document=""):
        if consentement.document:
            # The row goes on saying the family consented, on that date.
            consentement.document.delete(save=False)
    Consentement.objects.filter(enfant__in=enfant_ids).update(document=None, type_mime="")
    ResponsableLegal.objects.filter(enfant__in=enfant_ids).delete()
    Reperage.objects.filter(enfant__in=enfant_ids).update(commentaire=None)
    SituationCommission.objects.filter(reperage__enfant__in=enfant_ids).update(commentaire=None)
    Parcours.objects.filter(enfant__in=enfant_ids).update(
        objectifs=None, satisfaction=None, version=F("version") + 1
    )
    RevueParcours.objects.filter(parcours__enfant__in=enfant_ids).update(contenu=None)
    for axe, libelle in AxeParcours.choices:
        ActionParcours.objects.filter(parcours__enfant__in=enfant_ids, axe=axe).update(
            intitule=libelle
        )
    Enfant.objects.filter(pk__in=enfant_ids).update(
        nom=None,
        prenom=None,
        date_naissance=None,
        etablissement=None,
        niveau="",
        anonymise_le=now,
        version=F("version") + 1,
    )


def anonymiser(*, today=None):
    """Anonymise, in every contract, the children past their retention period. Returns the
    number of children anonymised. One transaction per contract."""
    today = today or timezone.localdate()
    now = timezone.now()
    total = 0
    for contrat in Contrat.objects.filter(enfants_pre__isnull=False).distinct().order_by("pk"):
        with transaction.atomic():
            ids = list(
                enfants_a_anonymiser(contrat=contrat, today=today)
                .select_for_update()
                .values_list("pk", flat=True)
            )
            if ids:
                _effacer(ids, now=now)
        if ids:
            # Numbers only: a log line never names a child.
            logger.info("PRE : %s enfant(s) anonymisé(s), contrat n° %s", len(ids), contrat.pk)
        total += len(ids)
    return total
