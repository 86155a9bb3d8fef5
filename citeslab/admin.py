"""Back office of CitésLab: its settings. Beneficiaries, meetings, projects and their history,
referrals, businesses and events are shown read-only and only through `for_user()`, which
gives them to nobody but the CitésLab staff of the contract — not to the PDV team, not to
superusers. They are written through the CitésLab pages and services."""

from django.contrib import admin

from cdv.admin import ReadOnlyMixin, ScopedAdmin
from citeslab.models import (
    Beneficiaire,
    ConfigurationCitesLab,
    Creation,
    EtapeProjet,
    Evenement,
    Orientation,
    ProjetCreation,
    Rencontre,
)


@admin.register(ConfigurationCitesLab)
class ConfigurationCitesLabAdmin(ScopedAdmin):
    list_display = ["contrat", "structure", "seuil_masquage"]
    search_fields = ["contrat__nom"]
    autocomplete_fields = ["contrat", "structure"]


class LectureSeule(ReadOnlyMixin, ScopedAdmin):
    """Personal data: shown to the CitésLab staff only (for_user), never edited here."""

    search_fields = ["id"]


@admin.register(Beneficiaire)
class BeneficiaireAdmin(LectureSeule):
    list_display = ["__str__", "sexe", "annee_naissance", "quartier", "canal_entree"]
    list_filter = ["sexe", "statut_emploi", "canal_entree"]


@admin.register(Rencontre)
class RencontreAdmin(LectureSeule):
    list_display = ["__str__", "kind", "quartier", "duree_minutes"]
    list_filter = ["kind"]


@admin.register(ProjetCreation)
class ProjetCreationAdmin(LectureSeule):
    list_display = ["__str__", "secteur", "etape", "date_etape"]
    list_filter = ["etape", "secteur"]


@admin.register(Evenement)
class EvenementAdmin(LectureSeule):
    list_display = ["titre", "kind", "date", "participants"]
    list_filter = ["kind"]


for model in (EtapeProjet, Orientation, Creation):
    admin.site.register(model, LectureSeule)
