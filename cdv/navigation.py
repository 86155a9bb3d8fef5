"""The main menu, by role. Later modules add their entries here."""

from dataclasses import dataclass

from django.urls import reverse

from cdv.enums import RoleCode
from cdv.perms import CONTRAT_READER_ROLES, GOUVERNANCE_ROLES
from gup.enums import GUP_COORDINATION
from gup.perms import GUP_ROLES
from programmation.perms import PROGRAMMATION_ROLES

# Who follows the actions of a contract, and who reads its calls for projects.
ACTION_ROLES = frozenset(
    {RoleCode.ADMIN_PDV, RoleCode.INSTRUCTEUR_FINANCEUR, RoleCode.LECTEUR_PARTENAIRE}
)
APPEL_ROLES = ACTION_ROLES | {RoleCode.PORTEUR}
# Who records the committee's decisions, and who reads its pack (programmation.perms).
ADMIN_PDV = frozenset({RoleCode.ADMIN_PDV})
COMITE_ROLES = frozenset({RoleCode.ADMIN_PDV, RoleCode.INSTRUCTEUR_FINANCEUR})


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    roles: frozenset | None = None  # None: every signed-in user

    @property
    def url(self):
        return reverse(self.url_name)


MENU = [
    MenuItem("Accueil", "home"),
    # The role sets come from cdv.perms so that the menu and the views never disagree.
    MenuItem("Le contrat", "contrat_detail", CONTRAT_READER_ROLES),
    MenuItem("Gouvernance", "reunion_list", GOUVERNANCE_ROLES),
    MenuItem("Appels à projets", "programmation:appel_list", APPEL_ROLES),
    MenuItem("Mes demandes", "programmation:action_mine", frozenset({RoleCode.PORTEUR})),
    MenuItem("Actions", "programmation:action_list", ACTION_ROLES),
    MenuItem("Quartiers", "quartiers:quartier_list", CONTRAT_READER_ROLES),
    MenuItem(
        "À donner mon avis",
        "programmation:avis_a_donner",
        frozenset({RoleCode.INSTRUCTEUR_FINANCEUR}),
    ),
    MenuItem("Instruction groupée", "programmation:instruction_groupee", ADMIN_PDV),
    MenuItem("Comités", "programmation:comite_list", COMITE_ROLES),
    MenuItem("Bilan physico-financier", "programmation:bilan", PROGRAMMATION_ROLES),
    MenuItem("Écarts entre quartiers", "quartiers:ecarts", CONTRAT_READER_ROLES),
    MenuItem("Import de l'historique", "programmation:import", ADMIN_PDV),
    MenuItem("Import des indicateurs", "quartiers:import_indicateurs", ADMIN_PDV),
    MenuItem("Bilans en retard", "programmation:bilans_en_retard", ADMIN_PDV),
    MenuItem("Diagnostics en marchant", "gup:diagnostic_list", GUP_ROLES),
    MenuItem("Signalements", "gup:signalement_list", GUP_ROLES),
    MenuItem("Modération GUP", "gup:moderation", GUP_COORDINATION),
    MenuItem("Suivi GUP", "gup:suivi", GUP_ROLES),
    MenuItem("Statistiques GUP", "gup:stats", GUP_ROLES),
    MenuItem("TFPB", "gup:tfpb_list", GUP_ROLES),
    MenuItem("Chantiers tremplin", "gup:chantier_list", GUP_ROLES),
    MenuItem("Catégories GUP", "gup:categorie_list", GUP_COORDINATION),
    MenuItem("Mon organisation", "organisation_detail"),
    MenuItem("Mon jeton d'API", "api_token"),
]


def menu_for(user):
    return [
        item
        for item in MENU
        if item.roles is None or user.is_superuser or user.has_role(*item.roles)
    ]
