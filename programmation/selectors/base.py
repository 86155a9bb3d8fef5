"""Budget totals of one action and the helpers the other reads share."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from programmation.enums import COMPTES, COMPTES_EN_NATURE, CoteBudget

ZERO = Decimal("0.00")
_money = DecimalField(max_digits=14, decimal_places=2)
_CHARGES = [code for code, (cote, _) in COMPTES.items() if cote == CoteBudget.CHARGE]
_PRODUITS = [code for code, (cote, _) in COMPTES.items() if cote == CoteBudget.PRODUIT]


@dataclass(frozen=True)
class TotauxBudget:
    charges: Decimal
    produits: Decimal
    charges_en_nature: Decimal
    produits_en_nature: Decimal

    @property
    def equilibre(self):
        return self.charges == self.produits and self.charges_en_nature == self.produits_en_nature


def impute_au_quartier():
    """Over ActionQuartier rows joined to their action's funding rows: each specific-credits
    row granted × the action's share in the quartier (`part`, %), else 0. Summed, it is what
    a quartier receives; the bilan physico-financier and the portrait both sum this one."""
    from programmation.enums import NatureFinancement

    return Case(
        When(
            Q(action__financements__nature=NatureFinancement.SPECIFIQUE),
            then=F("action__financements__montant_accorde") * F("part") / Value(Decimal("100")),
        ),
        default=Value(ZERO),
        output_field=_money,
    )


def _sum(field, codes):
    return Coalesce(
        Sum(Case(When(compte__in=codes, then=field), default=Value(ZERO), output_field=_money)),
        Value(ZERO),
        output_field=_money,
    )


def budget_totaux(action, *, field="montant_previsionnel"):
    """Totals of the action's budget (forecast by default, or `montant_realise`), in one query.

    In-kind contributions (86 and 87) are kept apart: they balance on their own.
    """
    lines = action.lignes_budget.filter(~Q(**{f"{field}__isnull": True}))
    totals = lines.aggregate(
        charges=_sum(field, [c for c in _CHARGES if c not in COMPTES_EN_NATURE]),
        produits=_sum(field, [c for c in _PRODUITS if c not in COMPTES_EN_NATURE]),
        charges_en_nature=_sum(field, ["86"]),
        produits_en_nature=_sum(field, ["87"]),
    )
    return TotauxBudget(**totals)


def montant_demande_total(action):
    """The total requested from every funder of the action."""
    from programmation.models import Action

    return Action.objects.filter(pk=action.pk).with_montant_demande().get().montant_demande
