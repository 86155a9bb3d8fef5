"""Filters of the bilan physico-financier's page."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

from cdv.formats import NBSP

register = template.Library()
CENT = Decimal("0.01")


@register.filter
def pourcentage(ratio):
    """Decimal("0.2667") → "26,67 %". Empty when there is no ratio (nothing to divide by)."""
    if ratio is None or ratio == "":
        return ""
    value = (Decimal(ratio) * 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{value}".replace(".", ",") + f"{NBSP}%"


@register.filter
def brut(value):
    """A number as the chart script reads it: plain digits and a dot, never localised."""
    return "" if value is None else str(value)
