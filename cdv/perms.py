"""Permission rules of the contract core. Views, API, admin and templates call these."""

from cdv.enums import RoleCode
from cdv.models import Role


def can_manage_contrat(user, contrat):
    """Seule l'équipe politique de la ville d'un contrat modifie son cadre et sa gouvernance."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.has_role(RoleCode.ADMIN_PDV) and user.contrats.filter(pk=contrat.pk).exists()


def can_invite_member(user, organisation):
    """L'administrateur d'une organisation invite les autres personnes de son organisation."""
    if not user.is_authenticated or organisation is None:
        return False
    if user.is_superuser:
        return True
    return user.est_admin_organisation and user.organisation_id == organisation.pk


def grantable_roles(user):
    """On ne peut confier à une personne invitée que des rôles que l'on détient soi-même."""
    roles = Role.objects.all()
    return roles if user.is_superuser else roles.filter(code__in=user.role_codes)
