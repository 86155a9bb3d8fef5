"""Permission rules of the GUP's staff pages for diagnostics, signalements and categories,
beyond those of gup/perms.py. Records are first scoped by their QuerySet's for_user()."""

from gup import perms


def coordonne_contrat(user, contrat):
    """La coordination GUP d'un contrat organise ses diagnostics, saisit ses signalements et
    règle ses catégories (gup.perms.coordonne_contrat ; aucun contrat : personne)."""
    return contrat is not None and perms.coordonne_contrat(user, contrat.pk)


def can_manage_categories(user, contrat):
    """Seule la coordination GUP du contrat règle ses catégories de signalement (libellé,
    organisation responsable par défaut, délai visé, ordre, activation)."""
    return coordonne_contrat(user, contrat)
