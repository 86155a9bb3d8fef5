"""Permission rules of the quartiers. Views, API, admin and templates call these."""

from cdv.enums import RoleCode
from cdv.perms import CONTRAT_READER_ROLES


def can_import_indicateurs(user):
    """L'équipe politique de la ville importe les valeurs des indicateurs (et en télécharge
    le modèle) ; les valeurs d'un quartier ne s'importent que pour les quartiers de ses
    contrats."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.has_role(RoleCode.ADMIN_PDV)


def can_view_portrait(user, quartier):
    """Les personnes qui travaillent sur le contrat d'un quartier lisent son portrait."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.contrats.filter(pk=quartier.contrat_id).exists()


def can_change_ligne_directrice(user, quartier):
    """L'équipe politique de la ville du contrat écrit les enjeux et les lignes directrices
    d'un quartier ; les autres les lisent."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return (
        user.has_role(RoleCode.ADMIN_PDV) and user.contrats.filter(pk=quartier.contrat_id).exists()
    )


def can_view_ecarts(user):
    """L'équipe politique de la ville, les partenaires et la coordination GUP lisent les écarts
    entre les quartiers de leurs contrats et leurs références (commune, agglomération)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.has_role(*CONTRAT_READER_ROLES)


def can_view_pilotage(user, contrat):
    """L'équipe politique de la ville, les partenaires et la coordination GUP d'un contrat
    lisent le tableau de bord de ses indicateurs resserrés."""
    if not user.is_authenticated or contrat is None:
        return False
    if user.is_superuser:
        return True
    return user.has_role(*CONTRAT_READER_ROLES) and user.contrats.filter(pk=contrat.pk).exists()


def can_manage_pilotage(user, contrat):
    """Seule l'équipe politique de la ville du contrat choisit les indicateurs resserrés, leurs
    cibles annuelles et leurs valeurs saisies."""
    if not user.is_authenticated or contrat is None:
        return False
    if user.is_superuser:
        return True
    return user.has_role(RoleCode.ADMIN_PDV) and user.contrats.filter(pk=contrat.pk).exists()
