"""Permission rules of CitésLab. Pages, API and services call these; the scope itself (who
reaches which record) is each model's `objects.for_user`, which gives every record to the
CitésLab staff of its contract and to nobody else."""

from cdv.enums import RoleCode
from cdv.models import Contrat
from citeslab.models import contrats_citeslab

# Who reads a contract's CitésLab statistics (counts only, small ones masked) besides its staff.
ROLES_STATISTIQUES = (
    RoleCode.ADMIN_PDV,
    RoleCode.LECTEUR_PARTENAIRE,
    RoleCode.INSTRUCTEUR_FINANCEUR,
)
REFUS = "Seule l'équipe CitésLab du contrat accède aux bénéficiaires et à leurs projets."


def _connecte(user):
    return user is not None and user.is_authenticated


def is_citeslab_staff(user, contrat=None):
    """Fait partie de l'équipe CitésLab du contrat (un contrat ou son numéro) : un chargé
    CitésLab affecté à ce contrat ; sans contrat, à un contrat au moins."""
    if not _connecte(user):
        return False
    contrats = contrats_citeslab(user)
    if contrat is None:
        return contrats.exists()
    return contrats.filter(pk=getattr(contrat, "pk", contrat)).exists()


def can_manage_citeslab(user, contrat):
    """Seule l'équipe CitésLab du contrat enregistre et modifie bénéficiaires, rencontres,
    projets, orientations, créations et événements (ni l'équipe politique de la ville, ni les
    partenaires, ni les superutilisateurs)."""
    return is_citeslab_staff(user, contrat)


def can_view_citeslab_stats(user, contrat):
    """Lit les statistiques agrégées de CitésLab du contrat : son équipe CitésLab, son équipe
    politique de la ville et ses partenaires (lecteurs, instructeurs) ; un superutilisateur
    aussi (aucun nom)."""
    if not _connecte(user) or contrat is None:
        return False
    contrat_id = getattr(contrat, "pk", contrat)
    if is_citeslab_staff(user, contrat_id):
        return True
    if not (user.is_superuser or user.has_role(*ROLES_STATISTIQUES)):
        return False
    return Contrat.objects.for_user(user).filter(pk=contrat_id).exists()


def must_mask_small_counts(user, contrat):
    """Les petits effectifs sont masqués pour tous, sauf pour l'équipe CitésLab du contrat."""
    return not is_citeslab_staff(user, contrat)
