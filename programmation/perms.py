"""Permission rules of the programmation. Pages, API and services call these."""

from cdv.enums import RoleCode
from programmation.enums import ETATS_MODIFIABLES_PORTEUR, TRANSITIONS, EtatAction, EtatAppel


def _follows_contract(user, action):
    return user.contrats.filter(pk=action.appel.contrat_id).exists()


def _is_solicited(user, action):
    return action.financements.filter(financeur_id=user.organisation_id).exists()


def acts_as(user, action, role):
    """Whether `user` holds `role` on this very action (its organisation, contract, funder)."""
    if not user.is_authenticated or not user.has_role(role):
        return False
    if role == RoleCode.PORTEUR:
        return user.organisation_id is not None and user.organisation_id == action.porteur_id
    if role == RoleCode.ADMIN_PDV:
        return _follows_contract(user, action)
    if role == RoleCode.INSTRUCTEUR_FINANCEUR:
        return (
            user.organisation_id is not None
            and _follows_contract(user, action)
            and _is_solicited(user, action)
        )
    return False


def can_transition(user, action, code):
    """Une étape du circuit n'est franchie que depuis les états prévus par la table des
    transitions, et par un rôle qu'elle autorise, exercé sur cette action."""
    transition = TRANSITIONS.get(code)
    if transition is None or action.etat not in transition.sources:
        return False
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(acts_as(user, action, role) for role in transition.roles)


def available_transitions(user, action):
    """The steps `user` may take on `action` now, in the table's order."""
    return [t for code, t in TRANSITIONS.items() if can_transition(user, action, code)]


def can_apply(user, appel):
    """Un porteur rattaché à une organisation dépose une demande sur un appel ouvert."""
    return (
        user.is_authenticated
        and appel.etat == EtatAppel.OUVERT
        and user.has_role(RoleCode.PORTEUR)
        and user.organisation_id is not None
    )


def can_edit_application(user, action):
    """Le porteur modifie sa demande tant qu'elle est en brouillon ou à compléter."""
    return (
        action.etat in ETATS_MODIFIABLES_PORTEUR
        and user.is_authenticated
        and (user.is_superuser or acts_as(user, action, RoleCode.PORTEUR))
    )


def can_give_avis(user, action):
    """Un financeur sollicité rend son avis pendant la phase d'avis des financeurs."""
    return action.etat == EtatAction.AVIS_FINANCEURS and acts_as(
        user, action, RoleCode.INSTRUCTEUR_FINANCEUR
    )


def can_read_private_annotations(user, action):
    """Les annotations privées des avis ne sont lues que par les instructeurs de l'action."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or any(
        acts_as(user, action, role) for role in (RoleCode.ADMIN_PDV, RoleCode.INSTRUCTEUR_FINANCEUR)
    )


def can_view_journal(user, action):
    """Le journal des modifications d'une demande est lu par ses instructeurs (l'équipe
    politique de la ville du contrat, les financeurs sollicités)."""
    return can_read_private_annotations(user, action)


# Who follows the programmation of a contract: its tables, its bilan physico-financier.
PROGRAMMATION_ROLES = frozenset(
    {RoleCode.ADMIN_PDV, RoleCode.INSTRUCTEUR_FINANCEUR, RoleCode.LECTEUR_PARTENAIRE}
)


def can_view_programmation(user):
    """L'équipe politique de la ville, les financeurs et les partenaires lecteurs consultent
    la programmation du contrat et son bilan physico-financier."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.has_role(*PROGRAMMATION_ROLES)


def can_manage_conventions(user, action):
    """L'équipe politique de la ville du contrat enregistre les conventions d'une action
    programmée, jusqu'à ce qu'elle soit conventionnée."""
    from programmation.enums import ETATS_CONVENTIONNABLES

    return (
        action.etat in ETATS_CONVENTIONNABLES
        and user.is_authenticated
        and (user.is_superuser or acts_as(user, action, RoleCode.ADMIN_PDV))
    )


def can_record_versement(user, action):
    """L'équipe politique de la ville du contrat enregistre les versements d'une action
    financée."""
    from programmation.enums import ETATS_VERSEMENT

    return (
        action.etat in ETATS_VERSEMENT
        and user.is_authenticated
        and (user.is_superuser or acts_as(user, action, RoleCode.ADMIN_PDV))
    )


def can_edit_bilan(user, action):
    """Le porteur remplit le bilan de son action tant qu'il est attendu."""
    return (
        action.etat == EtatAction.BILAN_ATTENDU
        and user.is_authenticated
        and (user.is_superuser or acts_as(user, action, RoleCode.PORTEUR))
    )


def can_view_convention(user, convention):
    """Une convention est lue par le porteur de l'action, l'équipe politique de la ville du
    contrat et le financeur qui l'a signée."""
    action = convention.action
    if not user.is_authenticated:
        return False
    if user.is_superuser or acts_as(user, action, RoleCode.PORTEUR):
        return True
    if user.organisation_id == convention.financeur_id and acts_as(
        user, action, RoleCode.INSTRUCTEUR_FINANCEUR
    ):
        return True
    return acts_as(user, action, RoleCode.ADMIN_PDV)


def can_list_bilans_en_retard(user):
    """L'équipe politique de la ville suit les bilans attendus dont la date limite est
    passée, et les versements en retard."""
    return user.is_authenticated and (user.is_superuser or user.has_role(RoleCode.ADMIN_PDV))


# The committee, its pack, the batch operations and the funders' opinions --------------------


def can_list_avis_a_donner(user):
    """Un instructeur financeur rattaché à une organisation suit les actions sur lesquelles
    celle-ci doit rendre son avis."""
    return (
        user.is_authenticated
        and user.organisation_id is not None
        and user.has_role(RoleCode.INSTRUCTEUR_FINANCEUR)
    )


def can_run_comite(user):
    """L'équipe politique de la ville prend en instruction les demandes par lots et
    enregistre les décisions du comité de programmation (chaque action reste vérifiée
    par la table des transitions)."""
    return user.is_authenticated and (user.is_superuser or user.has_role(RoleCode.ADMIN_PDV))


def can_view_dossier_comite(user):
    """L'équipe politique de la ville et les financeurs consultent le dossier du comité,
    chacun pour les actions qu'il suit."""
    return user.is_authenticated and (
        user.is_superuser or user.has_role(RoleCode.ADMIN_PDV, RoleCode.INSTRUCTEUR_FINANCEUR)
    )


# The import of earlier years -------------------------------------------------------------


def can_import_programmation(user, contrat):
    """L'équipe politique de la ville du contrat importe la programmation des années passées
    (et en télécharge le modèle et l'export au même format)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.has_role(RoleCode.ADMIN_PDV) and user.contrats.filter(pk=contrat.pk).exists()


# Exchanges: the message thread and the application's attachments -------------------------

# Who takes part in the exchanges on an action (partners who only read are left out).
ECHANGE_ROLES = (RoleCode.PORTEUR, RoleCode.ADMIN_PDV, RoleCode.INSTRUCTEUR_FINANCEUR)


def can_post_message(user, action):
    """Sur une demande déposée, le porteur, l'équipe politique de la ville du contrat et les
    instructeurs des financeurs sollicités s'écrivent ; les partenaires lecteurs lisent."""
    if not user.is_authenticated or action.etat == EtatAction.BROUILLON:
        return False
    return user.is_superuser or any(acts_as(user, action, role) for role in ECHANGE_ROLES)


def can_view_pieces(user, action):
    """Les pièces jointes d'une demande s'ouvrent par son porteur, l'équipe politique de la
    ville du contrat et les instructeurs des financeurs sollicités."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or any(acts_as(user, action, role) for role in ECHANGE_ROLES)


def can_attach_piece(user, action):
    """Le porteur joint ou remplace les pièces de sa demande tant qu'il peut la modifier."""
    return can_edit_application(user, action)


def can_publish_opendata(user, contrat):
    """L'équipe politique de la ville du contrat publie (ou retire) les subventions d'une
    année en données ouvertes, et prévisualise le fichier avant publication."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.has_role(RoleCode.ADMIN_PDV) and user.contrats.filter(pk=contrat.pk).exists()
