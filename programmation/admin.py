"""Back office of the programmation: calls, actions and what hangs from them.

Rows and choices come from `for_user()` (cdv.admin.ScopedAdmin). An action's state moves only
through the workflow services, so the admin shows it without letting anyone change it, and
the history of the workflow is shown, never written.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from cdv.admin import ReadOnlyMixin, RelatedOnly, ScopedAdmin, ScopedInline
from programmation import perms
from programmation.models import (
    Action,
    ActionQuartier,
    AppelAProjets,
    Avis,
    Bilan,
    BilanQuartier,
    Convention,
    Document,
    Enveloppe,
    Financement,
    Indicateur,
    LigneBudget,
    Message,
    MontantAnnuel,
    PieceJointe,
    Priorite,
    PublicationSCDL,
    Relance,
    TransitionAction,
    Versement,
)

# Calls for projects ------------------------------------------------------------------------


class PrioriteInline(ScopedInline, admin.StackedInline):
    model = Priorite
    extra = 0
    autocomplete_fields = ["pilier", "objectifs"]


class EnveloppeInline(ScopedInline, admin.TabularInline):
    model = Enveloppe
    extra = 0
    autocomplete_fields = ["financeur"]


@admin.register(AppelAProjets)
class AppelAProjetsAdmin(ScopedAdmin):
    list_display = ["titre", "annee", "contrat", "etat", "date_ouverture", "date_cloture"]
    list_filter = ["etat", "annee", ("contrat", RelatedOnly)]
    list_select_related = ["contrat"]
    search_fields = ["titre", "contrat__nom"]
    autocomplete_fields = ["contrat"]
    fieldsets = [
        (None, {"fields": ["contrat", "annee", "titre", "etat", "note_de_cadrage"]}),
        (
            "Calendrier",
            {
                "fields": [
                    "date_ouverture",
                    "date_cloture",
                    "date_limite_instruction",
                    "date_comite",
                    "date_limite_bilan",
                ]
            },
        ),
        ("Demande simplifiée", {"fields": ["seuil_demande_simplifiee"]}),
        ("Bilans", {"fields": ["seuil_ecart_bilan"]}),
    ]
    inlines = [PrioriteInline, EnveloppeInline]


@admin.register(Priorite)
class PrioriteAdmin(ScopedAdmin):
    list_display = ["__str__", "appel", "pilier"]
    list_filter = [("appel", RelatedOnly)]
    list_select_related = ["appel", "pilier"]
    search_fields = ["texte", "appel__titre", "pilier__nom"]
    autocomplete_fields = ["appel", "pilier", "objectifs"]


@admin.register(Enveloppe)
class EnveloppeAdmin(ScopedAdmin):
    list_display = ["financeur", "appel", "montant"]
    list_filter = [("appel", RelatedOnly)]
    list_select_related = ["appel", "financeur"]
    search_fields = ["financeur__nom", "financeur__sigle", "appel__titre"]
    autocomplete_fields = ["appel", "financeur"]


# Actions -----------------------------------------------------------------------------------


class ActionQuartierInline(ScopedInline, admin.TabularInline):
    model = ActionQuartier
    extra = 0
    autocomplete_fields = ["quartier"]


class IndicateurInline(ScopedInline, admin.TabularInline):
    model = Indicateur
    extra = 0


class FinancementInline(ScopedInline, admin.TabularInline):
    model = Financement
    extra = 0
    autocomplete_fields = ["financeur"]


class LigneBudgetInline(ScopedInline, admin.TabularInline):
    model = LigneBudget
    extra = 0
    autocomplete_fields = ["financeur"]


class TransitionActionInline(ReadOnlyMixin, ScopedInline, admin.TabularInline):
    model = TransitionAction
    fields = ["date", "code", "etat_avant", "etat_apres", "auteur", "commentaire"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Action)
class ActionAdmin(ScopedAdmin):
    list_display = ["intitule", "etat", "appel", "porteur", "pilier", "montant_demande"]
    list_filter = ["etat", "appel__annee", ("pilier", RelatedOnly), ("appel", RelatedOnly)]
    list_select_related = ["appel", "porteur", "pilier"]
    search_fields = ["intitule", "porteur__nom", "porteur__sigle", "appel__titre"]
    autocomplete_fields = [
        "appel",
        "porteur",
        "pilier",
        "objectif",
        "axes",
        "thematique",
        "reconduction_de",
        "instructeur",
    ]
    # The state changes through the workflow services only, which record each step.
    readonly_fields = ["etat", "cree_le", "deposee_le"]
    fieldsets = [
        (None, {"fields": ["appel", "porteur", "intitule", "etat", "cree_le", "deposee_le"]}),
        (
            "Contenu",
            {
                "fields": [
                    "description",
                    "objectifs_action",
                    "pilier",
                    "objectif",
                    "axes",
                    "thematique",
                ]
            },
        ),
        (
            "Public et déroulement",
            {
                "fields": [
                    "public_vise",
                    "beneficiaires_prevus",
                    "part_femmes",
                    "part_qpv",
                    "tranches_age",
                    "date_debut",
                    "date_fin",
                    "lieux",
                    "moyens_humains",
                ]
            },
        ),
        (
            "Suivi",
            {
                "fields": [
                    "est_reconduction",
                    "reconduction_de",
                    "instructeur",
                    "montant_a_reverser",
                ]
            },
        ),
    ]
    inlines = [
        ActionQuartierInline,
        IndicateurInline,
        FinancementInline,
        LigneBudgetInline,
        TransitionActionInline,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_montant_demande()

    @admin.display(description="montant demandé", ordering="montant_demande")
    def montant_demande(self, action):
        return action.montant_demande


class ActionScopedAdmin(ScopedAdmin):
    """The records that hang from an action: listed with their action and its call."""

    list_select_related = ["action__appel"]
    autocomplete_fields = ["action"]

    @admin.display(description="appel à projets", ordering="action__appel__titre")
    def appel(self, obj):
        return obj.action.appel


@admin.register(ActionQuartier)
class ActionQuartierAdmin(ActionScopedAdmin):
    list_display = ["quartier", "action", "part", "appel"]
    list_filter = [("quartier", RelatedOnly)]
    list_select_related = ["action__appel", "quartier"]
    search_fields = ["action__intitule", "quartier__nom"]
    autocomplete_fields = ["action", "quartier"]


@admin.register(Indicateur)
class IndicateurAdmin(ActionScopedAdmin):
    list_display = ["libelle", "action", "cible", "realise", "appel"]
    search_fields = ["libelle", "action__intitule"]


@admin.register(Financement)
class FinancementAdmin(ActionScopedAdmin):
    list_display = [
        "financeur",
        "action",
        "nature",
        "montant_demande",
        "montant_propose",
        "montant_accorde",
        "appel",
    ]
    list_filter = ["nature", ("financeur", RelatedOnly), "action__appel__annee"]
    list_select_related = ["action__appel", "financeur"]
    search_fields = ["financeur__nom", "financeur__sigle", "action__intitule"]
    autocomplete_fields = ["action", "financeur"]


@admin.register(LigneBudget)
class LigneBudgetAdmin(ActionScopedAdmin):
    list_display = ["__str__", "action", "financeur", "montant_previsionnel", "montant_realise"]
    list_filter = ["compte"]
    list_select_related = ["action", "financeur"]
    search_fields = ["libelle", "action__intitule", "financeur__nom"]
    autocomplete_fields = ["action", "financeur"]


@admin.register(Avis)
class AvisAdmin(ActionScopedAdmin):
    """The private annotation is shown only to those who may read it on that action."""

    list_display = ["action", "financeur", "sens", "montant_propose", "date"]
    list_filter = ["sens", ("financeur", RelatedOnly)]
    list_select_related = ["action", "financeur"]
    # Never search the private annotation: a match would reveal what it says.
    search_fields = ["action__intitule", "financeur__nom", "commentaire"]
    autocomplete_fields = ["action", "financeur", "auteur"]

    def reads_annotation(self, request, obj):
        if obj is None:
            return request.user.is_superuser
        return perms.can_read_private_annotations(request.user, obj.action)

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if not self.reads_annotation(request, obj):
            exclude.append("annotation_privee")
        return exclude


@admin.register(TransitionAction)
class TransitionActionAdmin(ReadOnlyMixin, ActionScopedAdmin):
    """The workflow's history: append-only, written by the services alone."""

    list_display = ["action", "date", "code", "etat_avant", "etat_apres", "auteur"]
    list_filter = ["etat_apres", "code"]
    list_select_related = ["action", "auteur"]
    search_fields = ["action__intitule", "commentaire", "code"]
    date_hierarchy = "date"
    autocomplete_fields = []


# Conventions and payments ------------------------------------------------------------------


class MontantAnnuelInline(ScopedInline, admin.TabularInline):
    model = MontantAnnuel
    extra = 0


class VersementInline(ScopedInline, admin.TabularInline):
    model = Versement
    fields = ["kind", "montant", "date", "reference", "auteur"]
    extra = 0
    autocomplete_fields = ["auteur"]


@admin.register(Convention)
class ConventionAdmin(ActionScopedAdmin):
    """Conventions are recorded by the services (which prepare a CPO's following years)."""

    list_display = [
        "__str__",
        "financeur",
        "date_signature",
        "montant",
        "pluriannuelle",
        "annee_fin",
        "appel",
    ]
    list_filter = ["pluriannuelle", ("financeur", RelatedOnly), "action__appel__annee"]
    list_select_related = ["action__appel", "financeur"]
    search_fields = ["numero", "action__intitule", "financeur__nom", "financeur__sigle"]
    autocomplete_fields = ["action", "financeur", "auteur"]
    date_hierarchy = "date_signature"
    inlines = [MontantAnnuelInline, VersementInline]


class ConventionScopedAdmin(ScopedAdmin):
    """The records that hang from a convention: listed with its action and funder."""

    list_select_related = ["convention__action", "convention__financeur"]
    autocomplete_fields = ["convention"]

    @admin.display(description="action", ordering="convention__action__intitule")
    def action(self, obj):
        return obj.convention.action

    @admin.display(description="financeur", ordering="convention__financeur__nom")
    def financeur(self, obj):
        return obj.convention.financeur


@admin.register(MontantAnnuel)
class MontantAnnuelAdmin(ConventionScopedAdmin):
    list_display = ["annee", "montant", "action", "financeur"]
    list_filter = ["annee"]
    search_fields = ["convention__numero", "convention__action__intitule"]


@admin.register(Versement)
class VersementAdmin(ConventionScopedAdmin):
    list_display = ["date", "kind", "montant", "reference", "action", "financeur"]
    list_filter = ["kind", ("convention__financeur", RelatedOnly)]
    search_fields = ["reference", "convention__numero", "convention__action__intitule"]
    autocomplete_fields = ["convention", "auteur"]
    date_hierarchy = "date"


# Bilans ------------------------------------------------------------------------------------


class BilanQuartierInline(ScopedInline, admin.TabularInline):
    model = BilanQuartier
    extra = 0
    autocomplete_fields = ["quartier"]


@admin.register(Bilan)
class BilanAdmin(ActionScopedAdmin):
    list_display = ["action", "beneficiaires_total", "femmes", "hommes", "date_depot", "appel"]
    list_filter = ["action__etat", "action__appel__annee"]
    search_fields = ["action__intitule", "action__porteur__nom"]
    readonly_fields = ["date_depot", "modifie_le"]
    inlines = [BilanQuartierInline]


@admin.register(BilanQuartier)
class BilanQuartierAdmin(ScopedAdmin):
    list_display = ["quartier", "beneficiaires", "bilan"]
    list_filter = [("quartier", RelatedOnly)]
    list_select_related = ["bilan__action", "quartier"]
    search_fields = ["bilan__action__intitule", "quartier__nom"]
    autocomplete_fields = ["bilan", "quartier"]


@admin.register(Relance)
class RelanceAdmin(ReadOnlyMixin, ActionScopedAdmin):
    """The reminders e-mailed by the daily task: shown, never written."""

    list_display = ["action", "date", "echeance", "nb_destinataires", "appel"]
    search_fields = ["action__intitule"]
    date_hierarchy = "date"
    autocomplete_fields = []


# Exchanges: messages, the organisations' documents, the applications' attachments -----------


@admin.register(Message)
class MessageAdmin(ReadOnlyMixin, ActionScopedAdmin):
    """The thread of an action: written from the action's page only."""

    list_display = ["action", "auteur", "date", "appel"]
    list_select_related = ["action__appel", "auteur"]
    search_fields = ["action__intitule", "texte"]
    date_hierarchy = "date"
    autocomplete_fields = []


class DownloadMixin:
    @admin.display(description="fichier")
    def telecharger(self, obj):
        document = getattr(obj, "document", obj)
        url = reverse("programmation:piece_download", args=[document.pk])
        return format_html('<a href="{}">{}</a>', url, document.nom_original)


@admin.register(Document)
class DocumentAdmin(DownloadMixin, ScopedAdmin):
    """Files arrive through the application pages, which check their real type and size;
    here only their validity may be corrected."""

    list_display = ["nature", "organisation", "nom_original", "valide_jusqu_au", "depose_le"]
    list_filter = ["nature"]
    list_select_related = ["organisation"]
    search_fields = ["organisation__nom", "nom_original"]
    date_hierarchy = "depose_le"
    fields = [
        "organisation",
        "nature",
        "telecharger",
        "taille",
        "type_mime",
        "valide_jusqu_au",
        "depose_par",
        "depose_le",
    ]
    readonly_fields = [
        "organisation",
        "nature",
        "telecharger",
        "taille",
        "type_mime",
        "depose_par",
        "depose_le",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(PieceJointe)
class PieceJointeAdmin(DownloadMixin, ReadOnlyMixin, ActionScopedAdmin):
    list_display = ["document", "action", "jointe_le", "appel"]
    list_select_related = ["action__appel", "document__organisation"]
    search_fields = ["action__intitule", "document__nom_original"]
    fields = ["action", "document", "telecharger", "jointe_le"]
    readonly_fields = ["telecharger"]
    autocomplete_fields = []


@admin.register(PublicationSCDL)
class PublicationSCDLAdmin(ReadOnlyMixin, ScopedAdmin):
    """Published from the open data page (programmation:opendata), shown here."""

    list_display = ["contrat", "annee", "publie_le", "publie_par"]
    list_filter = ["annee"]
    search_fields = ["contrat__nom"]
