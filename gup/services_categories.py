"""Writes on the categories of signalements of a contract: keyword-only, one transaction."""

from django.db import transaction

from gup.enums import CATEGORIES_PAR_DEFAUT
from gup.models import CategorieSignalement


def categories_initialiser(*, contrat):
    """Create the default categories (gup.enums.CATEGORIES_PAR_DEFAUT) the contract lacks,
    by code: running it again creates nothing and leaves the contract's own settings
    (label, responsible body, target, order, activation) as they are. Returns the
    categories created."""
    with transaction.atomic():
        existants = set(
            CategorieSignalement.objects.filter(contrat=contrat).values_list("code", flat=True)
        )
        creees = []
        for rang, (code, libelle, delai) in enumerate(CATEGORIES_PAR_DEFAUT, start=1):
            if code in existants:
                continue
            categorie = CategorieSignalement(
                contrat=contrat,
                code=code,
                libelle=libelle,
                delai_cible_jours=delai,
                ordre=rang * 10,
            )
            categorie.full_clean()
            categorie.save()
            creees.append(categorie)
    return creees


def categorie_save(*, categorie, **valeurs):
    """Create or update a category of a contract with `valeurs` (libelle,
    organisation_responsable, delai_cible_jours, ordre, active, code on creation), checked
    by the model (ValidationError per field)."""
    for name, value in valeurs.items():
        setattr(categorie, name, value)
    categorie.full_clean()
    with transaction.atomic():
        categorie.save()
    return categorie
