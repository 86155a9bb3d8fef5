"""Writes of the quartiers that are not imports: keyword-only, one transaction."""

from django.db import transaction

from quartiers.models import LigneDirectrice


def ligne_directrice_save(*, quartier, annee, pilier, enjeux, lignes_directrices, auteur):
    """Write the issues and guidelines of `quartier` for `annee`, for the whole quartier
    (`pilier` None) or one pillar: the text of that year and pillar is replaced if it exists.
    The caller has checked that `auteur` may write them."""
    with transaction.atomic():
        # Unscoped (the quartier was scoped by the caller); of=self: the row only.
        ligne = LigneDirectrice.objects.filter(
            quartier=quartier, annee=annee, pilier=pilier
        ).select_for_update(of=("self",)).first() or LigneDirectrice(
            quartier=quartier, annee=annee, pilier=pilier
        )
        ligne.enjeux = enjeux
        ligne.lignes_directrices = lignes_directrices
        ligne.auteur = auteur
        ligne.full_clean()
        ligne.save()
    return ligne
