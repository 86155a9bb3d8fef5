"""French formats of amounts and dates, for templates, messages, e-mails and exports."""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone

NARROW_NBSP = "\u202f"  # French thousands separator
NBSP = "\u00a0"  # between the amount and the currency sign
CENT = Decimal("0.01")


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


def nombre(value):
    """3873 → "3 873", Decimal("7.600") → "7,6": thousands by narrow no-break spaces, a
    decimal comma, no trailing zeros. Empty when no value."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    sign = "-" if number < 0 else ""
    text = f"{abs(number):f}"
    units, _, decimals = text.partition(".")
    decimals = decimals.rstrip("0")
    groups = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    result = NARROW_NBSP.join(groups) or "0"
    return f"{sign}{result},{decimals}" if decimals else f"{sign}{result}"


def pourcentage(points):
    """A percentage stored in points: 27 → "27 %", Decimal("12.7") → "12,7 %"."""
    text = nombre(points)
    return f"{text}{NBSP}%" if text else ""
