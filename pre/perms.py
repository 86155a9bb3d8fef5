"""Permission rules of the PRE's children and families pages. Pages, API and services call
these; the scope itself (who reaches which child) is `Enfant.objects.for_user`."""

from cdv.enums import RoleCode
from pre.models import ConfigurationPRE, contrats_pre


def _connecte(user):
    return user is not None and user.is_authenticated


def can_view_pre(user):
    """Les pages des enfants s'ouvrent à l'équipe du PRE (référents, coordinateur) et aux
    membres des EPS ; à personne d'autre, superutilisateurs compris."""
    return _connecte(user) and user.has_role(RoleCode.REFERENT_PRE, RoleCode.MEMBRE_EPS)


def is_pre_staff(user, contrat):
    """Fait partie de l'équipe du PRE du contrat : un référent PRE qui suit ce contrat."""
    if not _connecte(user) or contrat is None:
        return False
    return contrats_pre(user).filter(pk=contrat.pk).exists()


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
