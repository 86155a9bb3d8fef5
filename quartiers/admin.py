"""Back office of the quartiers: the QPV and QVA of each contract, the reference territories,
the catalogue of indicators and their values, all scoped by for_user()."""

from django.contrib import admin

from cdv.admin import RelatedOnly, ScopedAdmin, ScopedInline
from quartiers.models import (
    CiblePilotage,
    Indicateur,
    IndicateurPilotage,
    LigneDirectrice,
    Quartier,
    Territoire,
    ValeurIndicateur,
)


@admin.register(Quartier)
class QuartierAdmin(ScopedAdmin):
    list_display = ["nom", "code", "kind", "contrat", "communes", "population"]
    list_filter = ["kind", ("contrat", RelatedOnly)]
    list_select_related = ["contrat"]
    search_fields = ["nom", "code", "communes"]
    autocomplete_fields = ["contrat", "remplace"]
    readonly_fields = ["territoire"]
    fieldsets = [
        (None, {"fields": ["contrat", "kind", "code", "nom", "communes", "population"]}),
        ("Géographie", {"fields": ["perimetre", "perimetre_note", "remplace", "territoire"]}),
    ]


@admin.register(Territoire)
class TerritoireAdmin(ScopedAdmin):
    list_display = ["nom", "kind", "code", "parent"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["nom", "code"]
    autocomplete_fields = ["parent"]


@admin.register(Indicateur)
class IndicateurAdmin(ScopedAdmin):
    list_display = ["code", "libelle", "unite", "theme", "source", "sens", "ordre"]
    list_filter = ["theme", "source", "unite", "sens"]
    search_fields = ["code", "libelle"]


@admin.register(ValeurIndicateur)
class ValeurIndicateurAdmin(ScopedAdmin):
    list_display = ["indicateur", "territoire", "millesime", "valeur", "secret", "source"]
    list_filter = ["millesime", "secret", "territoire__kind", ("indicateur", RelatedOnly)]
    list_select_related = ["indicateur", "territoire"]
    search_fields = [
        "indicateur__code",
        "indicateur__libelle",
        "territoire__nom",
        "territoire__code",
    ]
    autocomplete_fields = ["territoire", "indicateur"]


@admin.register(LigneDirectrice)
class LigneDirectriceAdmin(ScopedAdmin):
    list_display = ["quartier", "annee", "pilier", "auteur", "modifie_le"]
    list_filter = ["annee", ("quartier", RelatedOnly)]
    list_select_related = ["quartier", "pilier", "auteur"]
    search_fields = ["quartier__nom", "enjeux", "lignes_directrices"]
    autocomplete_fields = ["quartier", "pilier"]
    readonly_fields = ["auteur", "modifie_le"]

    def save_model(self, request, obj, form, change):
        obj.auteur = request.user
        super().save_model(request, obj, form, change)


class CiblePilotageInline(ScopedInline, admin.TabularInline):
    model = CiblePilotage
    extra = 0
    fields = ["annee", "cible", "valeur_saisie", "commentaire"]


@admin.register(IndicateurPilotage)
class IndicateurPilotageAdmin(ScopedAdmin):
    list_display = [
        "libelle",
        "contrat",
        "pilier",
        "quartier",
        "source",
        "calcul",
        "unite",
        "ordre",
    ]
    list_filter = ["source", "unite", "sens", ("contrat", RelatedOnly)]
    list_select_related = ["contrat", "pilier", "quartier"]
    search_fields = ["libelle", "calcul"]
    autocomplete_fields = ["contrat", "pilier", "quartier"]
    inlines = [CiblePilotageInline]


@admin.register(CiblePilotage)
class CiblePilotageAdmin(ScopedAdmin):
    list_display = ["indicateur", "annee", "cible", "valeur_saisie"]
    list_filter = ["annee"]
    list_select_related = ["indicateur"]
    search_fields = ["indicateur__libelle", "commentaire"]
    autocomplete_fields = ["indicateur"]
