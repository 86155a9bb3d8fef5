"""The funders' opinions, the committee pack and late bilans."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum, Value
from django.db.models.functions import Coalesce

from programmation.selectors.base import ZERO, _money

# ---------------------------------------------------------------------------------------
# The funders' opinions and the committee pack
# ---------------------------------------------------------------------------------------


def avis_a_donner(actions, *, organisation_id):
    """Among `actions` (a scoped queryset), those awaiting the funders' opinions where the
    organisation is solicited and has not given its opinion yet, with their list data."""
    from programmation.enums import EtatAction
    from programmation.models import Avis, Financement

    sollicitee = Financement.objects.filter(financeur_id=organisation_id).values("action_id")
    rendu = Avis.objects.filter(financeur_id=organisation_id).values("action_id")
    return (
        actions.filter(etat=EtatAction.AVIS_FINANCEURS, pk__in=sollicitee)
        .exclude(pk__in=rendu)
        .with_list_related_data()
    )


@dataclass(frozen=True)
class LigneComite:
    """One funder of an action in the committee pack: asked, proposed, granted, opinion."""

    financement_id: int
    financeur_id: int
    financeur: str
    nature: str
    demande: Decimal
    propose: Decimal | None
    accorde: Decimal | None
    sens: str | None  # a SensAvis value; None while the funder has given no opinion
    sens_libelle: str


@dataclass(frozen=True)
class ActionComite:
    action: object
    lignes: list
    total_demande: Decimal
    total_propose: Decimal


@dataclass(frozen=True)
class DossierComite:
    actions: list
    total_demande: Decimal
    total_propose: Decimal


def dossier_comite(actions):
    """The committee pack of `actions` (a scoped queryset): per action (pillar order, then
    title), one line per funder with the amount asked, the amount proposed and the funder's
    opinion; totals per action and overall. Three queries, whatever the number of rows."""
    from django.db.models import OuterRef, Subquery

    from programmation.enums import NatureFinancement, SensAvis
    from programmation.models import Avis, Financement

    def total(field):
        return Coalesce(Sum(field), Value(ZERO), output_field=_money)

    rows = list(
        actions.with_list_related_data()
        .with_financements_total("montant_propose")
        .order_by("pilier__ordre", "intitule", "pk")
    )
    avis = Avis.objects.filter(action=OuterRef("action"), financeur=OuterRef("financeur"))
    financements = (
        Financement.objects.filter(action__in=actions)
        .select_related("financeur")
        .annotate(sens=Subquery(avis.values("sens")[:1]))
        .order_by("financeur__nom", "nature", "pk")
    )
    sens = dict(SensAvis.choices)
    natures = dict(NatureFinancement.choices)
    lignes = {}
    for f in financements:
        lignes.setdefault(f.action_id, []).append(
            LigneComite(
                financement_id=f.pk,
                financeur_id=f.financeur_id,
                financeur=f.financeur.nom,
                nature=natures.get(f.nature, f.nature),
                demande=f.montant_demande,
                propose=f.montant_propose,
                accorde=f.montant_accorde,
                sens=f.sens,
                sens_libelle=sens.get(f.sens, "Pas encore d'avis"),
            )
        )
    totaux = Financement.objects.filter(action__in=actions).aggregate(
        demande=total("montant_demande"), propose=total("montant_propose")
    )
    return DossierComite(
        actions=[
            ActionComite(
                action=action,
                lignes=lignes.get(action.pk, []),
                total_demande=action.montant_demande,
                total_propose=action.montant_propose,
            )
            for action in rows
        ],
        total_demande=totaux["demande"],
        total_propose=totaux["propose"],
    )


def appels_en_comite(appels, actions):
    """The calls (a scoped queryset), latest first, each with `nb_a_decider`: how many of
    `actions` (scoped) await the funders' opinions, hence the committee. One query."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery

    from programmation.enums import EtatAction

    a_decider = (
        actions.filter(appel=OuterRef("pk"), etat=EtatAction.AVIS_FINANCEURS)
        .order_by()
        .values("appel")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        appels.annotate(
            nb_a_decider=Coalesce(Subquery(a_decider, output_field=IntegerField()), 0)
        ).order_by("-annee", "titre", "pk")
    )


@dataclass(frozen=True)
class BilanEnRetard:
    """An action whose bilan is expected past its call's deadline."""

    action: object
    echeance: object  # the call's date_limite_bilan
    jours_de_retard: int
    derniere_relance: object  # date of the last reminder, None if never reminded


def bilans_en_retard(actions, *, today):
    """Among `actions` (a scoped queryset), those whose bilan is expected and whose call's
    deadline (`date_limite_bilan`) is before `today`, the oldest deadline first, with how
    many days late and the last reminder sent. One query, whatever the number of rows."""
    from django.db.models import OuterRef, Subquery

    from programmation.enums import EtatAction
    from programmation.models import Relance

    derniere = Relance.objects.filter(action=OuterRef("pk")).order_by("-date").values("date")
    rows = (
        actions.filter(etat=EtatAction.BILAN_ATTENDU, appel__date_limite_bilan__lt=today)
        .select_related("appel", "porteur")
        .annotate(derniere_relance=Subquery(derniere[:1]))
        .order_by("appel__date_limite_bilan", "porteur__nom", "intitule", "pk")
    )
    return [
        BilanEnRetard(
            action=action,
            echeance=action.appel.date_limite_bilan,
            jours_de_retard=(today - action.appel.date_limite_bilan).days,
            derniere_relance=action.derniere_relance,
        )
        for action in rows
    ]
