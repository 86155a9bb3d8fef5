"""What the programmation's models share: money fields, validators, scoping helpers."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator

from cdv.enums import RoleCode

MONEY = {"max_digits": 12, "decimal_places": 2}
POSITIVE = [MinValueValidator(Decimal("0"))]
PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]

# Roles that follow all the actions of their contracts (beyond drafts).
CONTRAT_WIDE_ROLES = {RoleCode.ADMIN_PDV, RoleCode.LECTEUR_PARTENAIRE}


def _anonymous(user):
    return user is None or not user.is_authenticated
