"""Permission rules of the GUP's staff pages for diagnostics, signalements and categories,
beyond those of gup/perms.py. Records are first scoped by their QuerySet's for_user()."""

from gup.enums import GUP_COORDINATION


def coordonne_contrat(user, contrat):
    """La coordination GUP d'un contrat organise ses diagnostics, saisit ses signalements et
    règle ses catégories."""
    if contrat is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.has_role(*GUP_COORDINATION) and user.contrats.filter(pk=contrat.pk).exists()


def can_manage_categories(user, contrat):
    """Seule la coordination GUP du contrat règle ses catégories de signalement (libellé,
    organisation responsable par défaut, délai visé, ordre, activation)."""
    return coordonne_contrat(user, contrat)
