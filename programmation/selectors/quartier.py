"""The funded actions of one quartier, for its portrait and its map."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum, Value
from django.db.models.functions import Coalesce

from programmation.enums import ETATS_PROGRAMMES, NatureFinancement
from programmation.selectors.base import ZERO, _money, impute_au_quartier

CENT = Decimal("0.01")


@dataclass(frozen=True)
class ActionDuQuartier:
    action: object  # Action, with porteur, pilier and appel loaded
    part: Decimal  # the share of the action carried out in the quartier (%)
    credits_specifiques: Decimal  # granted to the whole action, crédits spécifiques
    total_accorde: Decimal  # granted to the whole action by every funder
    credits_imputes: Decimal  # credits_specifiques × part, to the cent


@dataclass(frozen=True)
class ActionsDuQuartier:
    annees: list  # the years with funded actions, latest first
    annee: int | None  # the year shown
    lignes: list  # ActionDuQuartier, by decreasing imputed credits
    credits_imputes: Decimal  # the year's specific credits imputed to the quartier

    @property
    def nb_actions(self):
        return len(self.lignes)


def actions_du_quartier(*, quartier, user, annee=None):
    """The actions funded (states of ETATS_PROGRAMMES) in `quartier` or in the earlier
    quartiers it continues (Quartier.historique()) that `user` may see, for `annee` (by
    default the latest year with some). A quartier receives each action's specific credits
    × its share, and its total is rounded once, as in the bilan physico-financier, so both
    give the same figure. Two queries after the history.
    """
    from programmation.models import Action, ActionQuartier

    rows = ActionQuartier.objects.filter(
        quartier__in=[q.pk for q in quartier.historique()],
        action__in=Action.objects.for_user(user).filter(etat__in=ETATS_PROGRAMMES),
    )
    annees = sorted(
        set(rows.order_by().values_list("action__appel__annee", flat=True)), reverse=True
    )
    if annee not in annees:
        annee = annees[0] if annees else None
    accorde = "action__financements__montant_accorde"
    specifique = Q(action__financements__nature=NatureFinancement.SPECIFIQUE)
    lignes = (
        rows.filter(action__appel__annee=annee)
        .select_related("action__porteur", "action__pilier", "action__appel")
        .annotate(
            credits_specifiques=Coalesce(
                Sum(accorde, filter=specifique), Value(ZERO), output_field=_money
            ),
            total_accorde=Coalesce(Sum(accorde), Value(ZERO), output_field=_money),
            imputes=Coalesce(Sum(impute_au_quartier()), Value(ZERO), output_field=_money),
        )
        .order_by("-imputes", "action__intitule", "pk")
    )
    lignes = list(lignes) if annee is not None else []
    return ActionsDuQuartier(
        annees=annees,
        annee=annee,
        lignes=[
            ActionDuQuartier(
                action=row.action,
                part=row.part,
                credits_specifiques=row.credits_specifiques,
                total_accorde=row.total_accorde,
                credits_imputes=Decimal(row.imputes).quantize(CENT),
            )
            for row in lignes
        ],
        credits_imputes=sum((Decimal(row.imputes) for row in lignes), ZERO).quantize(CENT),
    )
