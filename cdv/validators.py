import re

from django.core.exceptions import ValidationError
from stdnum.fr import siret

RNA_RE = re.compile(r"^W\d{9}$")


def validate_siret(value):
    """SIRET: 14 digits whose Luhn checksum is valid (La Poste's exception included)."""
    if not siret.is_valid(value or ""):
        raise ValidationError(
            "Le numéro SIRET « %(value)s » n'est pas valide : il faut 14 chiffres "
            "avec une clé de contrôle correcte.",
            code="invalid_siret",
            params={"value": value},
        )


def validate_rna(value):
    """RNA: the letter W followed by 9 digits."""
    if not RNA_RE.match(value or ""):
        raise ValidationError(
            "Le numéro RNA « %(value)s » n'est pas valide : il commence par W suivi de 9 chiffres "
            "(exemple : W111234567).",
            code="invalid_rna",
            params={"value": value},
        )
