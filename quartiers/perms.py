"""Permission rules of the quartiers. Views, API, admin and templates call these."""

from cdv.enums import RoleCode


def can_import_indicateurs(user):
    """L'équipe politique de la ville importe les valeurs des indicateurs (et en télécharge
    le modèle) ; les valeurs d'un quartier ne s'importent que pour les quartiers de ses
    contrats."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.has_role(RoleCode.ADMIN_PDV)
