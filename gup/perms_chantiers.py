"""Permission rules of the chantiers tremplin. Pages, API and services call these; records
are first scoped by ChantierTremplin.objects.for_user()."""

from cdv.enums import RoleCode
from gup.perms import can_view_gup, coordonne, intervient_pour


def est_operateur(user, chantier):
    """Un intervenant GUP agit pour l'organisation qui opère le chantier (la régie)."""
    return intervient_pour(user, chantier.operateur_id)


def can_view_chantiers(user):
    """Les chantiers tremplin se lisent par ceux qui ouvrent les pages de la GUP."""
    return can_view_gup(user)


def can_create_chantier(user):
    """La coordination GUP et les intervenants GUP d'une organisation (la régie de quartier)
    saisissent des chantiers tremplin."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.has_role(RoleCode.COORDINATEUR_GUP):
        return True
    return user.has_role(RoleCode.INTERVENANT_GUP) and user.organisation_id is not None


def can_edit_chantier(user, chantier):
    """La coordination GUP du contrat modifie les chantiers de ses quartiers ; l'intervenant
    GUP de l'opérateur modifie les chantiers que son organisation conduit."""
    if chantier.quartier_id is not None and coordonne(user, chantier.quartier):
        return True
    return est_operateur(user, chantier)
