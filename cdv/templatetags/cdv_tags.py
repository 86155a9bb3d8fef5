"""Display helpers: French amounts and dates, and the contract switcher of the header."""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import timezone

from cdv.models import Contrat

register = template.Library()

NARROW_NBSP = "\u202f"  # French thousands separator
NBSP = "\u00a0"  # between the amount and the currency sign
CENT = Decimal("0.01")


@register.filter
def montant(value):
    """1234.5 → "1 234,50 €" (narrow no-break spaces, comma decimals). Empty when no value."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    units, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    return f"{sign}{NARROW_NBSP.join(groups)},{cents}{NBSP}€"


@register.filter
def jour(value):
    """A date (or datetime, in local time) as dd/mm/yyyy. Empty when no value."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return ""


@register.inclusion_tag("cdv/_contrat_switcher.html", takes_context=True)
def contrat_switcher(context):
    """The contracts the user follows, to switch the one they work on."""
    request = context["request"]
    return {
        "contrats": list(Contrat.objects.for_user(request.user)),
        "contrat_courant": context.get("contrat_courant"),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
