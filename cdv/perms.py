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


def can_change_organisation(user, organisation):
    """L'administrateur d'une organisation modifie sa fiche ; l'équipe politique de la ville
    modifie celles de l'annuaire, sauf les organisations qui portent ou signent un contrat
    qu'elle ne suit pas."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if user.est_admin_organisation and user.organisation_id == organisation.pk:
        return True
    if not user.has_role(RoleCode.ADMIN_PDV):
        return False
    from cdv.models import Contrat

    foreign = Contrat.objects.exclude(users=user)
    return not (
        foreign.filter(epci=organisation).exists()
        or foreign.filter(signataires__organisation=organisation).exists()
    )


def grantable_roles(user):
    """On ne peut confier à une personne invitée que des rôles que l'on détient soi-même."""
    roles = Role.objects.all()
    return roles if user.is_superuser else roles.filter(code__in=user.role_codes)


# Who reads the contract's frame (signatories, pillars, objectives) and who follows its governance.
CONTRAT_READER_ROLES = frozenset(
    {
        RoleCode.ADMIN_PDV,
        RoleCode.INSTRUCTEUR_FINANCEUR,
        RoleCode.LECTEUR_PARTENAIRE,
        RoleCode.COORDINATEUR_GUP,
    }
)
GOUVERNANCE_ROLES = frozenset(
    {RoleCode.ADMIN_PDV, RoleCode.INSTRUCTEUR_FINANCEUR, RoleCode.LECTEUR_PARTENAIRE}
)
# Who produces the contract's evaluation workbook and opens its dashboard: its team and its
# partners.
EVALUATION_ROLES = GOUVERNANCE_ROLES
TABLEAU_DE_BORD_ROLES = GOUVERNANCE_ROLES


def can_view_contrat(user):
    """L'équipe politique de la ville, les partenaires et la coordination GUP lisent le contrat."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.has_role(*CONTRAT_READER_ROLES)


def can_view_gouvernance(user):
    """L'équipe politique de la ville et les partenaires suivent les instances et leurs réunions."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.has_role(*GOUVERNANCE_ROLES)


def contrat_of(obj):
    """The contract a record hangs from (the record itself for a contract, None if none)."""
    from cdv.models import Contrat

    if isinstance(obj, Contrat):
        return obj
    path = getattr(type(obj)._default_manager._queryset_class, "contrat_path", None)
    if path is None:
        return None
    for attname in path.split("__"):
        obj = getattr(obj, attname, None)
        if obj is None:
            return None
    return obj


def can_manage_record(user, obj):
    """Un élément du cadre ou de la gouvernance se modifie par l'équipe politique de la ville
    du contrat dont il dépend."""
    contrat = contrat_of(obj)
    return contrat is not None and can_manage_contrat(user, contrat)


def lands_on_tableau_de_bord(user):
    """L'équipe politique de la ville et les partenaires arrivent sur le tableau de bord en se
    connectant, sauf s'ils ont aussi un rôle qui a sa propre page d'accueil (porteur, GUP…)."""
    codes = user.role_codes if user.is_authenticated else frozenset()
    return bool(codes) and codes <= TABLEAU_DE_BORD_ROLES


def can_view_tableau_de_bord(user):
    """L'équipe politique de la ville et les partenaires (lecteurs, instructeurs financeurs)
    ouvrent le tableau de bord du contrat."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.has_role(*TABLEAU_DE_BORD_ROLES)
