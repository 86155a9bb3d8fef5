"""Permission rules of the TFPB abatement. Pages, API and services call these; records are
first scoped by their QuerySet's for_user() (readers of the contract see all of it, a
landlord's intervenant GUP its own conventions)."""

from gup.perms import can_view_gup, coordonne_contrat, intervient_pour


def can_view_tfpb(user):
    """La coordination GUP, l'équipe politique de la ville, les partenaires et les
    intervenants GUP (les bailleurs pour leurs conventions) lisent l'abattement TFPB."""
    return can_view_gup(user)


def can_manage_convention(user, contrat_id):
    """La coordination GUP du contrat crée et modifie les conventions et leur patrimoine."""
    return coordonne_contrat(user, contrat_id)


def est_bailleur(user, convention):
    """Un intervenant GUP du bailleur signataire agit sur sa propre convention."""
    return intervient_pour(user, convention.bailleur_id)


def can_enter_tfpb(user, convention):
    """La coordination GUP du contrat et le bailleur lui-même saisissent les abattements
    annuels et les actions valorisées de la convention (« les bailleurs saisissent leurs
    propres données »)."""
    return coordonne_contrat(user, convention.contrat_id) or est_bailleur(user, convention)
