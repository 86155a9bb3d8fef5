"""The main menu, by role. Later modules add their entries here."""

from dataclasses import dataclass

from django.urls import reverse

from cdv.enums import RoleCode
from cdv.perms import CONTRAT_READER_ROLES, EVALUATION_ROLES, GOUVERNANCE_ROLES
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
    groupe: str = ""  # the menu's section ("": the first, unnamed one)

    @property
    def url(self):
        return reverse(self.url_name)


PORTEUR = frozenset({RoleCode.PORTEUR})
PRE_STAFF = frozenset({RoleCode.REFERENT_PRE})
PRE_EQUIPES = PRE_STAFF | {RoleCode.MEMBRE_EPS}
PRE_STATISTIQUES = PRE_STAFF | ACTION_ROLES
PRE_REGISTRE = PRE_STAFF | ADMIN_PDV
CITESLAB_STAFF = frozenset({RoleCode.CHARGE_CITESLAB})
INSTRUCTEUR = frozenset({RoleCode.INSTRUCTEUR_FINANCEUR})


def _section(groupe, *items):
    """The items of one section of the menu: (label, url name, roles or None)."""
    return [MenuItem(label, url_name, roles, groupe) for label, url_name, roles in items]


# The role sets come from the apps' perms so that the menu and the views never disagree.
MENU = [
    *_section(
        "",
        ("Accueil", "home", None),
        ("Tableau de bord", "tableau_de_bord", ACTION_ROLES),
        ("Le contrat", "contrat_detail", CONTRAT_READER_ROLES),
        ("Gouvernance", "reunion_list", GOUVERNANCE_ROLES),
        ("Classeur d'évaluation", "export_evaluation", EVALUATION_ROLES),
        ("Mes exports", "export_list", None),
    ),
    *_section(
        "Programmation",
        ("Appels à projets", "programmation:appel_list", APPEL_ROLES),
        ("Mes demandes", "programmation:action_mine", PORTEUR),
        ("Actions", "programmation:action_list", ACTION_ROLES),
        ("À donner mon avis", "programmation:avis_a_donner", INSTRUCTEUR),
        ("Instruction groupée", "programmation:instruction_groupee", ADMIN_PDV),
        ("Comités", "programmation:comite_list", COMITE_ROLES),
        ("Bilan physico-financier", "programmation:bilan", PROGRAMMATION_ROLES),
        ("Import de l'historique", "programmation:import", ADMIN_PDV),
        ("Bilans en retard", "programmation:bilans_en_retard", ADMIN_PDV),
        ("Versements en retard", "programmation:versements_en_retard", ADMIN_PDV),
        ("Données ouvertes (subventions)", "programmation:opendata", ADMIN_PDV),
    ),
    *_section(
        "Quartiers",
        ("Quartiers", "quartiers:quartier_list", CONTRAT_READER_ROLES),
        ("Écarts entre quartiers", "quartiers:ecarts", CONTRAT_READER_ROLES),
        ("Indicateurs resserrés", "quartiers:pilotage", CONTRAT_READER_ROLES),
        ("Import des indicateurs", "quartiers:import_indicateurs", ADMIN_PDV),
    ),
    *_section(
        "GUP",
        ("Diagnostics en marchant", "gup:diagnostic_list", GUP_ROLES),
        ("Signalements", "gup:signalement_list", GUP_ROLES),
        ("Modération", "gup:moderation", GUP_COORDINATION),
        ("Suivi", "gup:suivi", GUP_ROLES),
        ("Statistiques", "gup:stats", GUP_ROLES),
        ("TFPB", "gup:tfpb_list", GUP_ROLES),
        ("Chantiers tremplin", "gup:chantier_list", GUP_ROLES),
        ("Catégories", "gup:categorie_list", GUP_COORDINATION),
    ),
    *_section(
        "Réussite éducative",
        ("Enfants", "pre:enfant_list", PRE_EQUIPES),
        ("Commissions EPS", "pre:commission_list", PRE_EQUIPES),
        ("Parcours", "pre:parcours_list", PRE_STAFF),
        ("Budget", "pre:budget", PRE_STAFF),
        ("Grille tarifaire", "pre:grille", PRE_STAFF),
        ("Statistiques", "pre:stats", PRE_STATISTIQUES),
        ("Registre des traitements", "pre:registre", PRE_REGISTRE),
    ),
    *_section(
        "CitésLab",
        ("Bénéficiaires", "citeslab:beneficiaire_list", CITESLAB_STAFF),
        ("Rencontres", "citeslab:rencontre_list", CITESLAB_STAFF),
        ("Créations à suivre", "citeslab:creations_a_suivre", CITESLAB_STAFF),
        ("Événements", "citeslab:evenement_list", CITESLAB_STAFF),
        ("Rapport d'activité", "citeslab:rapport", CITESLAB_STAFF | ACTION_ROLES),
    ),
    *_section(
        "Mon compte",
        ("Mon organisation", "organisation_detail", None),
        ("Mon jeton d'API", "api_token", None),
    ),
]


def menu_groupes(user):
    """The user's menu by section, in the menu's order: [(section, [items])]."""
    groupes = {}
    for item in menu_for(user):
        groupes.setdefault(item.groupe, []).append(item)
    return list(groupes.items())


# Pages of a role's own work (a funder's opinions to give, minors' and residents'
# identities): shown to that role only, superusers included.
ROLES_PROPRES = PRE_EQUIPES | CITESLAB_STAFF | INSTRUCTEUR


def menu_for(user):
    return [
        item
        for item in MENU
        if item.roles is None
        or user.has_role(*item.roles)
        or (user.is_superuser and not item.roles <= ROLES_PROPRES)
    ]
