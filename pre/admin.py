"""Back office of the PRE: its settings and reference data. Children, families, pathways and
the log are shown read-only and only through `for_user()`, which gives them to nobody but
the PRE's staff — not to the PDV team, not to superusers."""

from django.contrib import admin

from cdv.admin import ReadOnlyMixin, RelatedOnly, ScopedAdmin
from pre.models import (
    ActionParcours,
    BudgetPRE,
    CommissionEPS,
    ConfigurationPRE,
    Consentement,
    Enfant,
    EquipeEPS,
    Etablissement,
    JournalAcces,
    Parcours,
    Reperage,
    ResponsableLegal,
    RevueParcours,
    SituationCommission,
    TrancheTarifaire,
)


@admin.register(ConfigurationPRE)
class ConfigurationPREAdmin(ScopedAdmin):
    list_display = ["contrat", "structure", "plafond_file_active", "seuil_masquage"]
    search_fields = ["contrat__nom"]
    autocomplete_fields = ["contrat", "structure"]


@admin.register(Etablissement)
class EtablissementAdmin(ScopedAdmin):
    list_display = ["nom", "uai", "type", "education_prioritaire", "commune", "quartier"]
    list_filter = ["type", "education_prioritaire"]
    search_fields = ["nom", "uai", "commune"]


@admin.register(TrancheTarifaire)
class TrancheTarifaireAdmin(ScopedAdmin):
    list_display = ["contrat", "qf_min", "qf_max", "part_famille"]
    list_filter = [("contrat", RelatedOnly)]
    search_fields = ["contrat__nom"]


@admin.register(BudgetPRE)
class BudgetPREAdmin(ScopedAdmin):
    list_display = ["contrat", "annee", "financeur", "montant"]
    list_filter = ["annee", ("contrat", RelatedOnly)]
    search_fields = ["financeur__nom"]


@admin.register(EquipeEPS)
class EquipeEPSAdmin(ScopedAdmin):
    list_display = ["nom", "contrat"]
    search_fields = ["nom"]
    filter_horizontal = ["membres"]


class LectureSeule(ReadOnlyMixin, ScopedAdmin):
    """Personal data: shown to the PRE's staff only (for_user), never edited here."""

    search_fields = ["id"]


for model in (
    CommissionEPS,
    Enfant,
    ResponsableLegal,
    Consentement,
    Reperage,
    SituationCommission,
    Parcours,
    ActionParcours,
    RevueParcours,
    JournalAcces,
):
    admin.site.register(model, LectureSeule)
