"""Permission rules of the EPS teams and commissions. Pages and API call these after
scoping their records by EquipeEPS/CommissionEPS.objects.for_user()."""

from cdv.enums import RoleCode
from pre.models import contrats_pre


def est_equipe_pre(user, contrat_id):
    """L'équipe du PRE d'un contrat : les référents PRE (coordinateur compris) qui le suivent."""
    if not user.is_authenticated or contrat_id is None:
        return False
    return contrats_pre(user).filter(pk=contrat_id).exists()


def can_view_eps(user):
    """Les pages des EPS s'ouvrent à l'équipe du PRE et aux membres d'une EPS, à personne
    d'autre (ni l'équipe politique de la ville, ni les partenaires, ni les superutilisateurs)."""
    return user.is_authenticated and user.has_role(RoleCode.REFERENT_PRE, RoleCode.MEMBRE_EPS)


def can_manage_eps(user, contrat_id):
    """Seule l'équipe du PRE du contrat crée les équipes, leurs commissions, leurs ordres du
    jour, les présences, les décisions et les comptes rendus."""
    return est_equipe_pre(user, contrat_id)
