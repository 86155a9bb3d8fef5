"""Permission rules of the residents' reports: moderation and Open311 requests."""

from gup import perms
from gup.enums import GUP_COORDINATION


def can_moderate(user):
    """La coordination GUP modère les signalements des habitants (et de l'API) des contrats
    qu'elle suit."""
    return user.is_authenticated and (user.is_superuser or user.has_role(*GUP_COORDINATION))


def can_post_open311(user, contrat):
    """Le jeton d'API d'un coordinateur GUP crée des demandes Open311 dans les contrats qu'il
    suit."""
    return user.is_authenticated and user.is_active and perms.coordonne_contrat(user, contrat.pk)
