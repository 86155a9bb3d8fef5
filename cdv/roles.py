"""What each role may do in the back office, as Django model permissions.

Object scope is never decided here: every admin, page and API queryset goes through
`for_user()`. This table only says which kinds of records a role may view or edit.
Later modules add their rows.
"""

from cdv.enums import RoleCode

VIEW = ("view",)
EDIT = ("view", "add", "change", "delete")
# Deleting a contract would cascade to all that hangs from it; organisations are shared by
# every contract of the instance: neither is deleted from the back office but by superusers.
KEEP = ("view", "add", "change")

CONTRACT_FRAME = ["contrat", "signataire", "pilier", "axetransversal", "objectif"]
GOVERNANCE = ["instance", "reunion"]
# The calls and their frame are set up by the PDV team; actions and what hangs from them
# change through the application pages and the workflow services, so the back office only
# shows them.
APPELS = ["appelaprojets", "priorite", "enveloppe"]
ACTIONS = [
    "action",
    "actionquartier",
    "indicateur",
    "financement",
    "lignebudget",
    "avis",
    "transitionaction",
    "convention",
    "montantannuel",
    "versement",
    "bilan",
    "bilanquartier",
    "relance",
    "message",
    "document",
    "piecejointe",
]

# The GUP: categories and TFPB frame set up by the coordination; signalements and their
# history change through the GUP's pages and services (history append-only).
GUP_CADRE = [
    "categoriesignalement",
    "diagnostic",
    "conventiontfpb",
    "patrimoinetfpb",
    "abattementtfpb",
    "actiontfpb",
    "chantiertremplin",
    "financementchantier",
]
GUP_SUIVI = ["signalement", "evenementsignalement", "photosignalement"]
GUP_TOUT = GUP_CADRE + GUP_SUIVI + ["axetfpb"]

ROLE_PERMISSIONS = {
    RoleCode.ADMIN_PDV: {
        "cdv": {
            **dict.fromkeys(CONTRACT_FRAME + GOVERNANCE, EDIT),
            "contrat": KEEP,
            "organisation": KEEP,
            "user": ("view", "change"),
            "thematiqueanct": VIEW,
        },
        "programmation": {
            **dict.fromkeys(APPELS, EDIT),
            **dict.fromkeys(ACTIONS, VIEW),
            # Published from the open data page.
            "publicationscdl": VIEW,
        },
        # Territories and the catalogue are shared by every contract: kept, never deleted.
        "gup": dict.fromkeys(GUP_TOUT, VIEW),
        "quartiers": {
            "quartier": EDIT,
            "territoire": KEEP,
            "indicateur": KEEP,
            "valeurindicateur": EDIT,
            "indicateurpilotage": EDIT,
            "ciblepilotage": EDIT,
        },
    },
    RoleCode.INSTRUCTEUR_FINANCEUR: {
        "cdv": dict.fromkeys(CONTRACT_FRAME + GOVERNANCE + ["organisation"], VIEW),
        # Rows are those of for_user(): the actions where its organisation is solicited.
        "programmation": dict.fromkeys(APPELS + ACTIONS, VIEW),
        "quartiers": dict.fromkeys(
            ["quartier", "territoire", "indicateur", "valeurindicateur"], VIEW
        ),
    },
    RoleCode.COORDINATEUR_GUP: {
        "gup": {**dict.fromkeys(GUP_CADRE, EDIT), **dict.fromkeys(GUP_SUIVI + ["axetfpb"], VIEW)},
        "quartiers": dict.fromkeys(["quartier", "territoire"], VIEW),
    },
    # Rows are those of for_user(): its organisation's problems, TFPB and sites.
    RoleCode.INTERVENANT_GUP: {"gup": dict.fromkeys(GUP_TOUT, VIEW)},
}


def permissions_for_roles(codes):
    """The set of "app.action_model" permission names granted by these roles."""
    perms = set()
    for code in codes:
        for app_label, models in ROLE_PERMISSIONS.get(code, {}).items():
            for model, actions in models.items():
                perms.update(f"{app_label}.{action}_{model}" for action in actions)
    return perms


def roles_with_admin_access():
    return tuple(ROLE_PERMISSIONS)
