"""Back office of the contract core.

Rows and choices come from each model's `for_user()`; model permissions come from the
roles (cdv/roles.py via RoleBackend); only the PDV team of a contract changes what hangs
from it (perms.can_manage_record).
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from cdv import audit, perms
from cdv.models import (
    AxeTransversal,
    Contrat,
    Export,
    Instance,
    Objectif,
    Organisation,
    Pilier,
    Reunion,
    Role,
    Signataire,
    ThematiqueANCT,
    User,
)

admin.site.site_header = "cdv — administration"
admin.site.site_title = "cdv — administration"
admin.site.index_title = "Administration de la plateforme"

RelatedOnly = admin.RelatedOnlyFieldListFilter
EMAIL_TAKEN = "Une personne utilise déjà cette adresse électronique."


def scoped_choices(request, model):
    """The records of `model` the user may pick in a form, or None if the model has no scope."""
    manager = model._default_manager
    return manager.for_user(request.user) if hasattr(manager, "for_user") else None


class ReadOnlyMixin:
    """Shown, never written: not by the admin, not even by a superuser."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedMixin:
    """Scoped rows and choices, and contract-level write checks, for admins and inlines."""

    def get_queryset(self, request):
        # The admin's own queryset (ordering, inline permission) narrowed by for_user().
        return super().get_queryset(request).for_user(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = scoped_choices(request, db_field.remote_field.model)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = scoped_choices(request, db_field.remote_field.model)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def may_manage(self, request, obj):
        """Records outside any contract follow the model permissions alone."""
        if obj is None or perms.contrat_of(obj) is None:
            return True
        return perms.can_manage_record(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.may_manage(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.may_manage(request, obj)


class ScopedAdmin(ScopedMixin, admin.ModelAdmin):
    """Every admin of cdv: `Model.objects.for_user(request.user)` rows, scoped choices; a
    record's history shows its audit trail (cdv.audit)."""

    object_history_template = "admin/journal.html"

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_view_or_change_permission(request, obj):
            extra_context = {**(extra_context or {}), "journal": audit.journal(obj)}
        return super().history_view(request, object_id, extra_context)

    def save_model(self, request, obj, form, change):
        # The form may point the record to another contract: check the contract it lands in.
        if not self.may_manage(request, obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """Keep the many-to-many values the editor cannot see: the form would drop them."""
        hidden = {}
        if change:
            for field in self.model._meta.many_to_many:
                if field.name in form.cleaned_data:
                    choices = form.fields[field.name].queryset
                    hidden[field.name] = list(
                        getattr(form.instance, field.name).exclude(pk__in=choices.values("pk"))
                    )
        super().save_related(request, form, formsets, change)
        for name, values in hidden.items():
            if values:
                getattr(form.instance, name).add(*values)


class ScopedInline(ScopedMixin):
    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self.may_manage(request, obj)


# Organisations and people ----------------------------------------------------------------


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    list_display = ["nom", "sigle", "kind", "siret", "commune", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["nom", "sigle", "siret", "rna", "commune"]
    fieldsets = [
        (None, {"fields": ["nom", "sigle", "kind", "active"]}),
        ("Identifiants", {"fields": ["siret", "rna"]}),
        ("Coordonnées", {"fields": ["adresse", "code_postal", "commune", "email", "telephone"]}),
    ]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or perms.can_change_organisation(request.user, obj))


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    """The fixed roles of the data migration: shown to superusers, changed by code only."""

    list_display = ["code", "libelle"]
    search_fields = ["code"]

    @admin.display(description="libellé")
    def libelle(self, role):
        return role.get_code_display()

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EmailMixin:
    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        # An address is unique across the instance, whether the editor sees its owner or not.
        others = User.objects.filter(email__iexact=email)  # unscoped: uniqueness check
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(EMAIL_TAKEN)
        return email


class UserCreationForm(EmailMixin, auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class UserChangeForm(EmailMixin, auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(ScopedAdmin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ["email", "last_name", "first_name", "organisation", "liste_roles", "is_active"]
    list_filter = [("roles", RelatedOnly), "is_active"]
    list_select_related = ["organisation"]
    search_fields = ["email", "first_name", "last_name", "organisation__nom"]
    ordering = ["last_name", "first_name", "email"]
    autocomplete_fields = ["organisation", "contrats"]
    filter_horizontal = ["roles", "groups", "user_permissions"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            "Identité",
            {"fields": ["first_name", "last_name", "organisation", "est_admin_organisation"]},
        ),
        ("Accès", {"fields": ["is_active", "roles", "contrats"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "usable_password", "password1", "password2"],
            },
        ),
        ("Identité", {"fields": ["first_name", "last_name", "organisation"]}),
        ("Accès", {"fields": ["roles", "contrats"]}),
    ]
    # Django permissions and superuser status are granted by superusers only.
    superuser_fieldset = (
        "Droits techniques",
        {"fields": ["is_superuser", "groups", "user_permissions"], "classes": ["collapse"]},
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles")

    def get_fieldsets(self, request, obj=None):
        fieldsets = self.add_fieldsets if obj is None else self.fieldsets
        if request.user.is_superuser:
            fieldsets = [*fieldsets, self.superuser_fieldset]
        return fieldsets

    def get_list_filter(self, request):
        if request.user.is_superuser:
            return [*self.list_filter, "is_superuser"]
        return self.list_filter

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "roles":
            # One gives only the roles one holds.
            kwargs["queryset"] = perms.grantable_roles(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        # Others choose their password through the reset link, never through a colleague.
        if not request.user.is_superuser and str(request.user.pk) != unquote(id):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    @admin.display(description="rôles")
    def liste_roles(self, user):
        return ", ".join(str(role) for role in user.roles.all())


# The contract and its frame ----------------------------------------------------------------


class SignataireInline(ScopedInline, admin.TabularInline):
    model = Signataire
    extra = 0
    autocomplete_fields = ["organisation"]


class PilierInline(ScopedInline, admin.TabularInline):
    model = Pilier
    extra = 0
    show_change_link = True


class AxeTransversalInline(ScopedInline, admin.TabularInline):
    model = AxeTransversal
    extra = 0


class InstanceInline(ScopedInline, admin.TabularInline):
    model = Instance
    extra = 0
    fields = ["kind", "nom"]
    show_change_link = True


@admin.register(Contrat)
class ContratAdmin(ScopedAdmin):
    list_display = ["nom", "code", "epci", "annee_debut", "annee_fin", "date_signature"]
    list_filter = ["annee_debut", ("epci", RelatedOnly)]
    list_select_related = ["epci"]
    search_fields = ["nom", "code", "epci__nom"]
    autocomplete_fields = ["epci"]
    inlines = [SignataireInline, PilierInline, AxeTransversalInline, InstanceInline]

    def may_manage(self, request, obj):
        if obj is not None and obj.pk is None:
            return True  # a new contract: its creator becomes one of its users, below
        return super().may_manage(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and not request.user.is_superuser:
            obj.users.add(request.user)


@admin.register(Signataire)
class SignataireAdmin(ScopedAdmin):
    list_display = ["organisation", "contrat", "qualite", "date_signature"]
    list_filter = [("contrat", RelatedOnly), "organisation__kind"]
    list_select_related = ["organisation", "contrat"]
    search_fields = ["organisation__nom", "organisation__sigle", "contrat__nom", "qualite"]
    autocomplete_fields = ["contrat", "organisation"]


class ObjectifInline(ScopedInline, admin.TabularInline):
    model = Objectif
    extra = 0
    fields = ["niveau", "parent", "intitule", "ordre"]
    autocomplete_fields = ["parent"]


@admin.register(Pilier)
class PilierAdmin(ScopedAdmin):
    list_display = ["nom", "contrat", "ordre"]
    list_filter = [("contrat", RelatedOnly)]
    list_select_related = ["contrat"]
    search_fields = ["nom", "contrat__nom"]
    autocomplete_fields = ["contrat"]
    inlines = [ObjectifInline]


@admin.register(AxeTransversal)
class AxeTransversalAdmin(ScopedAdmin):
    list_display = ["nom", "contrat", "ordre"]
    list_filter = [("contrat", RelatedOnly)]
    list_select_related = ["contrat"]
    search_fields = ["nom", "contrat__nom"]
    autocomplete_fields = ["contrat"]


@admin.register(Objectif)
class ObjectifAdmin(ScopedAdmin):
    list_display = ["__str__", "niveau", "pilier", "contrat", "ordre"]
    list_filter = ["niveau", ("pilier__contrat", RelatedOnly)]
    list_select_related = ["pilier__contrat"]
    search_fields = ["intitule", "pilier__nom"]
    autocomplete_fields = ["pilier", "parent"]

    @admin.display(description="contrat", ordering="pilier__contrat__nom")
    def contrat(self, objectif):
        return objectif.pilier.contrat


@admin.register(ThematiqueANCT)
class ThematiqueANCTAdmin(ScopedAdmin):
    list_display = ["code", "libelle", "parent"]
    list_filter = [("parent", admin.EmptyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["code", "libelle"]
    autocomplete_fields = ["parent"]


# Governance ------------------------------------------------------------------------------


class _Download(str):
    """A file's name whose `url` is a scoped download view, for ClearableFileInput."""

    def __new__(cls, name, url):
        value = super().__new__(cls, name)
        value.url = url
        return value


class ScopedFileInput(forms.ClearableFileInput):
    """Links the current file to a view that checks the reader's scope, never to storage."""

    download_url = None

    def format_value(self, value):
        value = super().format_value(value)
        if value and self.download_url:
            return _Download(str(value).rsplit("/", 1)[-1], self.download_url)
        return value


class ReunionInline(ScopedInline, admin.TabularInline):
    model = Reunion
    extra = 0
    fields = ["date", "lieu"]
    show_change_link = True


@admin.register(Instance)
class InstanceAdmin(ScopedAdmin):
    list_display = ["nom", "kind", "contrat"]
    list_filter = ["kind", ("contrat", RelatedOnly)]
    list_select_related = ["contrat"]
    search_fields = ["nom", "contrat__nom"]
    autocomplete_fields = ["contrat", "membres"]
    inlines = [ReunionInline]


@admin.register(Reunion)
class ReunionAdmin(ScopedAdmin):
    list_display = ["__str__", "date", "instance", "contrat", "lieu", "a_compte_rendu"]
    list_filter = ["instance__kind", ("instance__contrat", RelatedOnly)]
    list_select_related = ["instance__contrat"]
    date_hierarchy = "date"
    search_fields = ["instance__nom", "lieu", "ordre_du_jour", "decisions"]
    autocomplete_fields = ["instance", "participants"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        widget = ScopedFileInput()
        if obj is not None and obj.compte_rendu:
            widget.download_url = reverse("reunion_compte_rendu", args=[obj.pk])
        form.base_fields["compte_rendu"].widget = widget
        return form

    @admin.display(description="contrat", ordering="instance__contrat__nom")
    def contrat(self, reunion):
        return reunion.instance.contrat

    @admin.display(description="compte rendu", boolean=True)
    def a_compte_rendu(self, reunion):
        return bool(reunion.compte_rendu)


# API tokens act with their user's whole scope: only the platform's technical administrators
# see or manage them here (people manage their own on the page « Mon jeton d'API »).
admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class SuperuserTokenAdmin(TokenAdmin):
    autocomplete_fields = ["user"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)


@admin.register(Export)
class ExportAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["__str__", "kind", "contrat", "etat", "progression", "cree_le", "termine_le"]
    list_filter = ["etat", "kind"]
    search_fields = ["kind", "user__email"]
    list_select_related = ["contrat", "user"]
    exclude = ["fichier"]  # never link to the storage's address
