"""Permission rules of the pathways, the price grid and the budget of the PRE. Pages, API and
services call these; records are first scoped by their QuerySet's for_user() and then
narrowed to the current contract."""

from cdv.enums import RoleCode
from pre.models import contrats_pre

REFUS = "Seule l'équipe du PRE du contrat accède aux parcours, à la grille tarifaire et au budget."


def est_equipe_pre(user):
    """Les référents du PRE (coordinateur compris) ont un rôle d'équipe du PRE."""
    return user.is_authenticated and user.has_role(RoleCode.REFERENT_PRE)


def can_manage_parcours(user, contrat):
    """L'équipe du PRE du contrat (coordinateur et référents) suit les parcours, la liste
    d'attente, la grille tarifaire et le budget du PRE ; personne d'autre (ni les membres
    des EPS, ni l'équipe politique de la ville, ni les superutilisateurs)."""
    return (
        contrat is not None
        and est_equipe_pre(user)
        and contrats_pre(user).filter(pk=contrat.pk).exists()
    )
