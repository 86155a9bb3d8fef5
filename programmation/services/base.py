"""What the programmation's writes share: amounts read from forms and the row lock."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from programmation.models import (
    Action,
)

CENT = Decimal("100")


def pourcentage(value):
    """90.00 → "90", 92.50 → "92,5": a share as people write it."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def to_decimal(value, field):
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: "Indiquez un montant en euros."}) from None


def lock(action):
    return Action.objects.select_for_update(of=("self",)).select_related("appel").get(pk=action.pk)
