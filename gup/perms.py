"""Permission rules of the GUP. Pages, API and services call these; records are first
scoped by their QuerySet's for_user()."""

from cdv.enums import RoleCode
from gup.enums import GUP_COORDINATION, GUP_LECTEURS, TRANSITIONS, Acteur

# Who sees the GUP's pages (the records each one sees are those of for_user()).
GUP_ROLES = GUP_LECTEURS | {RoleCode.INTERVENANT_GUP}


def _follows(user, contrat_id):
    return user.contrats.filter(pk=contrat_id).exists()


def coordonne_contrat(user, contrat_id):
    """La coordination GUP d'un contrat (un coordinateur GUP qui le suit) agit sur ses
    données GUP : signalements, diagnostics, conventions TFPB, chantiers."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.has_role(*GUP_COORDINATION) and _follows(user, contrat_id)


def coordonne(user, quartier):
    """La coordination GUP d'un contrat agit sur les signalements et diagnostics de ses
    quartiers."""
    return coordonne_contrat(user, quartier.contrat_id)


def intervient_pour(user, organisation_id):
    """Un intervenant GUP agit pour son organisation (organisme responsable d'un
    signalement, bailleur d'une convention TFPB, opérateur d'un chantier)."""
    return (
        user.is_authenticated
        and user.has_role(RoleCode.INTERVENANT_GUP)
        and user.organisation_id is not None
        and user.organisation_id == organisation_id
    )


def est_responsable(user, signalement):
    """Un intervenant GUP agit sur les signalements attribués à son organisation."""
    return intervient_pour(user, signalement.organisation_responsable_id)


def acteurs(user, signalement):
    """The parts `user` plays on this problem (Acteur values)."""
    parts = set()
    if coordonne(user, signalement.quartier):
        parts.add(Acteur.COORDINATION)
    if est_responsable(user, signalement):
        parts.add(Acteur.RESPONSABLE)
    return parts


def can_view_gup(user):
    """La coordination GUP, l'équipe politique de la ville, les partenaires et les
    intervenants GUP ouvrent les pages de la GUP."""
    return user.is_authenticated and (user.is_superuser or user.has_role(*GUP_ROLES))


def can_transition(user, signalement, code):
    """Une étape n'est franchie que depuis les états prévus par la table des transitions,
    par la coordination GUP du contrat ou l'organisation responsable selon l'étape."""
    transition = TRANSITIONS.get(code)
    if transition is None or signalement.etat not in transition.sources:
        return False
    return bool(acteurs(user, signalement) & transition.acteurs)


def available_transitions(user, signalement):
    """The steps `user` may take on `signalement` now, in the table's order."""
    return [t for code, t in TRANSITIONS.items() if can_transition(user, signalement, code)]


def can_comment(user, signalement):
    """La coordination et l'organisation responsable commentent un signalement ouvert et y
    joignent des photos."""
    return signalement.ouvert and bool(acteurs(user, signalement))


def can_edit(user, signalement):
    """La coordination GUP corrige un signalement ouvert (catégorie, description, lieu,
    priorité, échéance, organisation responsable)."""
    return signalement.ouvert and coordonne(user, signalement.quartier)


def can_create_signalement(user, quartier):
    """La coordination GUP saisit les signalements de ses quartiers (pendant un diagnostic
    en marchant ou sur le signalement d'un partenaire)."""
    return coordonne(user, quartier)


def can_manage_diagnostic(user, quartier):
    """La coordination GUP organise les diagnostics en marchant de ses quartiers."""
    return coordonne(user, quartier)
