"""The main menu, by role. Later modules add their entries here."""

from dataclasses import dataclass

from django.urls import reverse

from cdv.enums import RoleCode


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
    MenuItem(
        "Le contrat",
        "contrat_detail",
        frozenset(
            {
                RoleCode.ADMIN_PDV,
                RoleCode.INSTRUCTEUR_FINANCEUR,
                RoleCode.LECTEUR_PARTENAIRE,
                RoleCode.COORDINATEUR_GUP,
            }
        ),
    ),
    MenuItem(
        "Gouvernance",
        "reunion_list",
        frozenset(
            {RoleCode.ADMIN_PDV, RoleCode.INSTRUCTEUR_FINANCEUR, RoleCode.LECTEUR_PARTENAIRE}
        ),
    ),
    MenuItem("Mon organisation", "organisation_detail"),
]


def menu_for(user):
    return [
        item
        for item in MENU
        if item.roles is None or user.is_superuser or user.has_role(*item.roles)
    ]
