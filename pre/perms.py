"""Permission rules of the PRE: children and families, EPS teams and commissions, pathways,
price grid and budget. Pages, API and services call these; the scope itself (who reaches which
record) is each model's `objects.for_user`. One rule says who is the PRE's staff of a contract:
`is_pre_staff`."""

from cdv.enums import RoleCode
from pre.models import ConfigurationPRE, contrats_pre


def _connecte(user):
    return user is not None and user.is_authenticated


REFUS_PARCOURS = (
    "Seule l'équipe du PRE du contrat accède aux parcours, à la grille tarifaire et au budget."
)


def can_view_pre(user):
    """Les pages des enfants et des EPS s'ouvrent à l'équipe du PRE (référents, coordinateur)
    et aux membres des EPS ; à personne d'autre (ni l'équipe politique de la ville, ni les
    partenaires, ni les superutilisateurs)."""
    return _connecte(user) and user.has_role(RoleCode.REFERENT_PRE, RoleCode.MEMBRE_EPS)


def has_pre_staff_role(user):
    """A un rôle d'équipe du PRE (référent ou coordinateur), dans un contrat au moins : les API
    des enfants et des parcours ne répondent qu'à eux."""
    return _connecte(user) and user.has_role(RoleCode.REFERENT_PRE)


def is_pre_staff(user, contrat):
    """Fait partie de l'équipe du PRE du contrat (un contrat ou son numéro) : un référent PRE
    qui suit ce contrat."""
    contrat_id = getattr(contrat, "pk", contrat)
    if not _connecte(user) or contrat_id is None:
        return False
    return contrats_pre(user).filter(pk=contrat_id).exists()


def is_coordinateur(user, contrat):
    """Coordonne le PRE du contrat : le référent nommé coordinateur dans sa configuration."""
    if not is_pre_staff(user, contrat):
        return False
    return ConfigurationPRE.objects.filter(contrat=contrat, coordinateur=user).exists()


def can_edit_enfant(user, enfant):
    """Seule l'équipe du PRE du contrat de l'enfant modifie son dossier et celui de sa
    famille ; un membre d'EPS le lit seulement."""
    return is_pre_staff(user, enfant.contrat)


def can_export_famille(user, enfant):
    """L'équipe du PRE du contrat extrait les données d'une famille (droit d'accès)."""
    return is_pre_staff(user, enfant.contrat)


def can_erase_famille(user, enfant):
    """Seul le coordinateur du PRE efface les données d'une famille (droit à l'effacement)."""
    return is_coordinateur(user, enfant.contrat)


def can_view_journal(user, contrat):
    """Seul le coordinateur du PRE du contrat consulte le journal des accès."""
    return is_coordinateur(user, contrat)


def can_manage_eps(user, contrat_id):
    """Seule l'équipe du PRE du contrat crée les équipes, leurs commissions, leurs ordres du
    jour, les présences, les décisions et les comptes rendus."""
    return is_pre_staff(user, contrat_id)


def can_manage_parcours(user, contrat):
    """L'équipe du PRE du contrat (coordinateur et référents) suit les parcours, la liste
    d'attente, la grille tarifaire et le budget du PRE ; personne d'autre (ni les membres
    des EPS, ni l'équipe politique de la ville, ni les superutilisateurs)."""
    return is_pre_staff(user, contrat)
