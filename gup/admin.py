"""Back office of the GUP: categories, diagnostics, signalements and their history, photos,
TFPB, chantiers tremplin.

Rows and choices come from `for_user()` (cdv.admin.ScopedAdmin); model permissions from the
roles (cdv/roles.py). The coordination GUP of a contract changes what hangs from it. A
signalement's state, dates and responsible body move only through the services
(gup/services.py), which write its history: the admin shows them, never writes them, and
photos are downloaded through a scoped view, never from a public address.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from cdv.admin import ReadOnlyMixin, RelatedOnly, ScopedAdmin, ScopedInline
from cdv.files import attachment_response
from gup import perms, services_chantiers
from gup.models import (
    AbattementTFPB,
    ActionTFPB,
    AxeTFPB,
    CategorieSignalement,
    ChantierTremplin,
    ConventionTFPB,
    Diagnostic,
    EvenementSignalement,
    FinancementChantier,
    PatrimoineTFPB,
    PhotoSignalement,
    Signalement,
)

# The path from each record to the contract it hangs from.
CONTRAT_PATHS = {
    CategorieSignalement: "contrat",
    Diagnostic: "quartier.contrat",
    Signalement: "quartier.contrat",
    EvenementSignalement: "signalement.quartier.contrat",
    PhotoSignalement: "signalement.quartier.contrat",
    ConventionTFPB: "contrat",
    PatrimoineTFPB: "convention.contrat",
    AbattementTFPB: "convention.contrat",
    ActionTFPB: "convention.contrat",
    ChantierTremplin: "quartier.contrat",
    FinancementChantier: "chantier.quartier.contrat",
}


def contrat_of(obj):
    """The contract a GUP record hangs from; None when unknown (an unsaved, empty record)."""
    path_ = CONTRAT_PATHS.get(type(obj))
    if path_ is None:
        return None
    for name in path_.split("."):
        try:
            obj = getattr(obj, name)
        except ObjectDoesNotExist:
            return None
        if obj is None:
            return None
    return obj


class GupScopedMixin:
    """Writes allowed to the coordination GUP of the record's contract (the model
    permissions of the role come first)."""

    def may_manage(self, request, obj):
        if obj is None:
            return True
        contrat = contrat_of(obj)
        if contrat is None:
            return obj.pk is None or request.user.is_superuser
        return perms.coordonne_contrat(request.user, contrat.pk)


class GupAdmin(GupScopedMixin, ScopedAdmin):
    pass


class GupInline(GupScopedMixin, ScopedInline):
    pass


# Categories and diagnostics ----------------------------------------------------------------


@admin.register(CategorieSignalement)
class CategorieSignalementAdmin(GupAdmin):
    list_display = [
        "libelle",
        "code",
        "contrat",
        "organisation_responsable",
        "delai_cible_jours",
        "ordre",
        "active",
    ]
    list_filter = ["active", ("contrat", RelatedOnly), ("organisation_responsable", RelatedOnly)]
    list_select_related = ["contrat", "organisation_responsable"]
    search_fields = ["libelle", "code", "description", "contrat__nom"]


@admin.register(Diagnostic)
class DiagnosticAdmin(GupAdmin):
    list_display = ["__str__", "date", "quartier", "secteur", "nb_habitants"]
    list_filter = [("quartier", RelatedOnly), "date"]
    list_select_related = ["quartier"]
    search_fields = ["secteur", "compte_rendu", "quartier__nom"]
    date_hierarchy = "date"
    autocomplete_fields = ["quartier"]
    filter_horizontal = ["participants"]
    readonly_fields = ["cree_par", "cree_le", "version"]


# Signalements, their history and photos ----------------------------------------------------


class EvenementInline(ReadOnlyMixin, GupInline, admin.TabularInline):
    model = EvenementSignalement
    fields = ["date", "code", "etat_avant", "etat_apres", "organisation", "auteur", "commentaire"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Signalement)
class SignalementAdmin(GupAdmin):
    """Created by the GUP's pages and services (routing, due date, history); the state, its
    dates and the responsible body change through the workflow's steps alone."""

    list_display = [
        "__str__",
        "etat",
        "quartier",
        "categorie",
        "organisation_responsable",
        "priorite",
        "signale_le",
        "echeance",
    ]
    list_filter = [
        "etat",
        "priorite",
        "source",
        ("quartier", RelatedOnly),
        ("categorie", RelatedOnly),
        ("organisation_responsable", RelatedOnly),
    ]
    list_select_related = ["quartier", "categorie", "organisation_responsable"]
    search_fields = ["description", "adresse", "quartier__nom", "categorie__libelle"]
    date_hierarchy = "signale_le"
    autocomplete_fields = ["quartier", "diagnostic"]
    readonly_fields = [
        "etat",
        "organisation_responsable",
        "original",
        "signale_le",
        "echeance",
        "transmis_le",
        "resolu_le",
        "clos_le",
        "auteur",
        "source",
        "email_signalant",
        "resolution_confirmee",
        "client_uuid",
        "version",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "quartier",
                    "diagnostic",
                    "categorie",
                    "description",
                    "adresse",
                    "latitude",
                    "longitude",
                    "priorite",
                ]
            },
        ),
        (
            "Suivi (modifié par les étapes du circuit)",
            {
                "fields": [
                    "etat",
                    "organisation_responsable",
                    "original",
                    "signale_le",
                    "echeance",
                    "transmis_le",
                    "resolu_le",
                    "clos_le",
                ]
            },
        ),
        (
            "Origine",
            {
                "fields": [
                    "source",
                    "auteur",
                    "email_signalant",
                    "resolution_confirmee",
                    "client_uuid",
                    "version",
                ]
            },
        ),
    ]
    inlines = [EvenementInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting a problem would erase its history: it is closed or merged instead.
        return False


@admin.register(EvenementSignalement)
class EvenementSignalementAdmin(ReadOnlyMixin, GupAdmin):
    """The history of the problems: append-only, written by the services alone."""

    list_display = ["signalement", "date", "code", "etat_avant", "etat_apres", "organisation"]
    list_filter = ["code", "etat_apres", "public", ("organisation", RelatedOnly)]
    list_select_related = ["signalement__categorie", "organisation"]
    search_fields = ["commentaire", "code", "signalement__description"]
    date_hierarchy = "date"


@admin.register(PhotoSignalement)
class PhotoSignalementAdmin(ReadOnlyMixin, GupAdmin):
    """Photos arrive re-encoded without EXIF through the GUP's pages; here they are only
    downloaded, through a view that checks the reader's scope."""

    list_display = ["__str__", "signalement", "telecharger", "taille", "ajoutee_le"]
    list_select_related = ["signalement__categorie"]
    search_fields = ["signalement__description", "signalement__adresse"]
    date_hierarchy = "ajoutee_le"
    # Never the file field itself: the admin would link to the storage's address.
    fields = [
        "signalement",
        "evenement",
        "telecharger",
        "type_mime",
        "taille",
        "ajoutee_le",
        "auteur",
    ]
    readonly_fields = fields

    @admin.display(description="fichier")
    def telecharger(self, photo):
        url = reverse("admin:gup_photosignalement_telecharger", args=[photo.pk])
        return format_html('<a href="{}">Télécharger la photo</a>', url)

    def get_urls(self):
        view = self.admin_site.admin_view(self.telecharger_view)
        return [
            path("<int:pk>/telecharger/", view, name="gup_photosignalement_telecharger"),
            *super().get_urls(),
        ]

    def telecharger_view(self, request, pk):
        """The photo's file, for those who see its signalement (404 for others)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        photo = get_object_or_404(self.get_queryset(request), pk=pk)
        return attachment_response(photo.fichier)


# TFPB --------------------------------------------------------------------------------------


@admin.register(AxeTFPB)
class AxeTFPBAdmin(ReadOnlyMixin, GupAdmin):
    """The national framework's axes, loaded by a migration."""

    list_display = ["code", "libelle", "version", "ordre"]
    list_filter = ["version"]
    search_fields = ["code", "libelle", "description"]


class PatrimoineInline(GupInline, admin.TabularInline):
    model = PatrimoineTFPB
    extra = 0
    autocomplete_fields = ["quartier"]


class AbattementInline(GupInline, admin.TabularInline):
    model = AbattementTFPB
    extra = 0
    autocomplete_fields = ["quartier"]


@admin.register(ConventionTFPB)
class ConventionTFPBAdmin(GupAdmin):
    list_display = ["__str__", "bailleur", "contrat", "annee_debut", "annee_fin", "date_signature"]
    list_filter = [("contrat", RelatedOnly), ("bailleur", RelatedOnly), "annee_debut"]
    list_select_related = ["bailleur", "contrat"]
    search_fields = ["bailleur__nom", "bailleur__sigle", "contrat__nom", "commentaire"]
    inlines = [PatrimoineInline, AbattementInline]


class ConventionScopedAdmin(GupAdmin):
    """The records that hang from a TFPB convention: listed with its landlord."""

    list_select_related = ["convention__bailleur", "quartier"]
    autocomplete_fields = ["convention", "quartier"]

    @admin.display(description="bailleur", ordering="convention__bailleur__nom")
    def bailleur(self, obj):
        return obj.convention.bailleur


@admin.register(PatrimoineTFPB)
class PatrimoineTFPBAdmin(ConventionScopedAdmin):
    list_display = ["quartier", "nb_logements", "bailleur", "convention"]
    list_filter = [("quartier", RelatedOnly)]
    search_fields = ["quartier__nom", "convention__bailleur__nom"]


@admin.register(AbattementTFPB)
class AbattementTFPBAdmin(ConventionScopedAdmin):
    list_display = ["quartier", "annee", "montant", "bailleur"]
    list_filter = ["annee", ("quartier", RelatedOnly)]
    search_fields = ["quartier__nom", "convention__bailleur__nom"]


@admin.register(ActionTFPB)
class ActionTFPBAdmin(ConventionScopedAdmin):
    list_display = [
        "intitule",
        "annee",
        "axe",
        "quartier",
        "bailleur",
        "montant_prevu",
        "montant_realise",
    ]
    list_filter = ["annee", ("axe", RelatedOnly), ("quartier", RelatedOnly)]
    list_select_related = ["convention__bailleur", "quartier", "axe"]
    search_fields = ["intitule", "description", "residence", "convention__bailleur__nom"]
    autocomplete_fields = ["convention", "quartier", "axe", "diagnostic"]


# Chantiers tremplin ------------------------------------------------------------------------


class ChantierAdminForm(forms.ModelForm):
    """The rules of the pages' service that the model's clean() does not hold: what a site
    answers lies in its quartier."""

    def clean(self):
        cleaned = super().clean()
        quartier = cleaned.get("quartier")
        diagnostic = cleaned.get("diagnostic")
        if quartier and diagnostic and diagnostic.quartier_id != quartier.pk:
            self.add_error("diagnostic", services_chantiers.DIAGNOSTIC_AUTRE_QUARTIER)
        ailleurs = (
            [
                f"n° {s.pk}"
                for s in cleaned.get("signalements") or []
                if s.quartier_id != quartier.pk
            ]
            if quartier
            else []
        )
        if ailleurs:
            self.add_error(
                "signalements",
                services_chantiers.SIGNALEMENT_AUTRE_QUARTIER.format(", ".join(ailleurs)),
            )
        return cleaned


class FinancementInline(GupInline, admin.TabularInline):
    model = FinancementChantier
    extra = 0


@admin.register(ChantierTremplin)
class ChantierTremplinAdmin(GupAdmin):
    form = ChantierAdminForm
    list_display = [
        "intitule",
        "annee",
        "quartier",
        "operateur",
        "participants",
        "femmes",
        "residents_qpv",
        "sorties_emploi",
    ]
    list_filter = ["annee", ("quartier", RelatedOnly), ("operateur", RelatedOnly)]
    list_select_related = ["quartier", "operateur"]
    search_fields = ["intitule", "commentaire", "quartier__nom", "operateur__nom"]
    autocomplete_fields = ["quartier", "diagnostic", "signalements"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "quartier",
                    "annee",
                    "intitule",
                    "operateur",
                    "date_debut",
                    "date_fin",
                    "diagnostic",
                    "signalements",
                ]
            },
        ),
        ("Participants", {"fields": ["participants", "femmes", "hommes", "residents_qpv"]}),
        (
            "Sorties",
            {
                "fields": [
                    "sorties_emploi",
                    "sorties_formation",
                    "sorties_iae",
                    "sorties_autre_suivi",
                    "sorties_sans_solution",
                    "commentaire",
                ]
            },
        ),
    ]
    inlines = [FinancementInline]


@admin.register(FinancementChantier)
class FinancementChantierAdmin(GupAdmin):
    list_display = ["financeur", "chantier", "montant"]
    list_filter = [("financeur", RelatedOnly), "chantier__annee"]
    list_select_related = ["financeur", "chantier"]
    search_fields = ["financeur__nom", "financeur__sigle", "chantier__intitule"]
    autocomplete_fields = ["chantier"]
