"""REST API of the contract core: thin serializers and viewsets over scoped querysets.

Every queryset starts from `Model.objects.for_user(user)`; everyone reads their scope,
and only the PDV team of a contract writes its frame and governance (perms.py).
"""

import copy

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models.deletion import ProtectedError
from django.urls import include, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions, mixins, routers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from cdv import filters, perms
from cdv.files import attachment_response
from cdv.models import (
    AxeTransversal,
    Contrat,
    Instance,
    Objectif,
    Organisation,
    Pilier,
    Reunion,
    Role,
    Signataire,
    ThematiqueANCT,
)

FORBIDDEN_WRITE = "Seule l'équipe politique de la ville du contrat peut modifier ces données."
FORBIDDEN_READ = "Votre rôle ne donne pas accès à ces données."

# ---------------------------------------------------------------------------------------
# Serializers
# ---------------------------------------------------------------------------------------


INT_MAX = 2_147_483_647  # the range of an integer column


def version_if_match(request):
    """The version named by an `If-Match: W/"3"` (or `"3"`) header, None without one;
    0 (matching no version) for a header that names none. Shared by the APIs whose records
    carry a `version` (optimistic concurrency)."""
    valeur = request.headers.get("If-Match", "").strip()
    if not valeur:
        return None
    valeur = valeur.removeprefix("W/").strip('"')
    return int(valeur) if valeur.isdigit() and int(valeur) <= INT_MAX else 0


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key accepted only among the records the requesting user may see."""

    default_error_messages = {
        "required": "Ce champ est obligatoire.",
        "does_not_exist": "L'élément n°{pk_value} n'existe pas ou ne vous est pas accessible.",
        "incorrect_type": "Identifiant invalide : un nombre entier est attendu.",
    }

    def __init__(self, model, **kwargs):
        self.model = model
        # The unscoped queryset only tells the schema generator the target model.
        super().__init__(queryset=model.objects.none(), **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.model.objects.for_user(getattr(request, "user", None))


def _drf_errors(exc):
    """Django's ValidationError (French messages of the models) in DRF's error shape."""
    return {
        (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
        for field, messages in exc.message_dict.items()
    }


class ModelCleanSerializer(serializers.ModelSerializer):
    """Validates through the model's `full_clean()`, so the API enforces the model rules.

    DRF's own unique-together validators are disabled: the model constraints carry the
    French messages users read.
    """

    def build_candidate(self, attrs):
        """An unsaved copy of the record with the submitted values (many-to-many aside)."""
        model = self.Meta.model
        candidate = copy.copy(self.instance) if self.instance is not None else model()
        m2m = {field.name for field in model._meta.many_to_many}
        for name, value in attrs.items():
            if name not in m2m:
                setattr(candidate, name, value)
        return candidate

    def validate(self, attrs):
        attrs = super().validate(attrs)
        try:
            self.build_candidate(attrs).full_clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(_drf_errors(exc)) from exc
        return attrs


class OrganisationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "nom", "sigle"]


class ContratSerializer(serializers.ModelSerializer):
    epci = OrganisationRefSerializer(read_only=True)

    class Meta:
        model = Contrat
        fields = ["id", "nom", "code", "epci", "annee_debut", "annee_fin", "date_signature"]


class OrganisationSerializer(serializers.ModelSerializer):
    kind_libelle = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "nom",
            "sigle",
            "kind",
            "kind_libelle",
            "siret",
            "rna",
            "adresse",
            "code_postal",
            "commune",
            "email",
            "telephone",
            "active",
        ]


class SignataireSerializer(ModelCleanSerializer):
    contrat = ScopedPrimaryKeyRelatedField(Contrat)
    organisation = ScopedPrimaryKeyRelatedField(Organisation)
    organisation_nom = serializers.CharField(source="organisation.nom", read_only=True)

    class Meta:
        model = Signataire
        fields = ["id", "contrat", "organisation", "organisation_nom", "date_signature", "qualite"]
        validators = []


class PilierSerializer(ModelCleanSerializer):
    contrat = ScopedPrimaryKeyRelatedField(Contrat)

    class Meta:
        model = Pilier
        fields = ["id", "contrat", "nom", "ordre"]
        validators = []


class AxeTransversalSerializer(ModelCleanSerializer):
    contrat = ScopedPrimaryKeyRelatedField(Contrat)

    class Meta:
        model = AxeTransversal
        fields = ["id", "contrat", "nom", "ordre"]
        validators = []


class ObjectifSerializer(ModelCleanSerializer):
    contrat = serializers.IntegerField(source="pilier.contrat_id", read_only=True)
    pilier = ScopedPrimaryKeyRelatedField(Pilier)
    parent = ScopedPrimaryKeyRelatedField(Objectif, required=False, allow_null=True)
    niveau_libelle = serializers.CharField(source="get_niveau_display", read_only=True)

    class Meta:
        model = Objectif
        fields = [
            "id",
            "contrat",
            "pilier",
            "parent",
            "niveau",
            "niveau_libelle",
            "intitule",
            "ordre",
        ]
        validators = []


class ThematiqueANCTSerializer(serializers.ModelSerializer):
    class Meta:
        model = ThematiqueANCT
        fields = ["id", "code", "libelle", "parent"]


class InstanceSerializer(ModelCleanSerializer):
    contrat = ScopedPrimaryKeyRelatedField(Contrat)
    kind_libelle = serializers.CharField(source="get_kind_display", read_only=True)
    membres = ScopedPrimaryKeyRelatedField(Organisation, many=True, required=False)

    class Meta:
        model = Instance
        fields = ["id", "contrat", "kind", "kind_libelle", "nom", "membres"]
        validators = []


class ReunionSerializer(ModelCleanSerializer):
    contrat = serializers.IntegerField(source="instance.contrat_id", read_only=True)
    instance = ScopedPrimaryKeyRelatedField(Instance)
    instance_nom = serializers.CharField(source="instance.nom", read_only=True)
    participants = ScopedPrimaryKeyRelatedField(Organisation, many=True, required=False)
    compte_rendu = serializers.FileField(write_only=True, required=False)
    compte_rendu_url = serializers.SerializerMethodField()

    class Meta:
        model = Reunion
        fields = [
            "id",
            "contrat",
            "instance",
            "instance_nom",
            "date",
            "lieu",
            "ordre_du_jour",
            "participants",
            "participants_detail",
            "decisions",
            "compte_rendu",
            "compte_rendu_url",
        ]
        validators = []

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_compte_rendu_url(self, reunion):
        """The scoped download action, never the storage's own URL."""
        if not reunion.compte_rendu:
            return None
        return reverse(
            "reunion-compte-rendu", kwargs={"pk": reunion.pk}, request=self.context.get("request")
        )


class RoleSerializer(serializers.ModelSerializer):
    libelle = serializers.CharField(source="get_code_display", read_only=True)

    class Meta:
        model = Role
        fields = ["code", "libelle"]


class ContratRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contrat
        fields = ["id", "nom", "code"]


class MoiSerializer(serializers.Serializer):
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    organisation = OrganisationRefSerializer(allow_null=True)
    is_superuser = serializers.BooleanField()
    roles = RoleSerializer(many=True, source="roles.all")
    contrats = serializers.SerializerMethodField()

    @extend_schema_field(ContratRefSerializer(many=True))
    def get_contrats(self, user):
        return ContratRefSerializer(Contrat.objects.for_user(user), many=True).data


# ---------------------------------------------------------------------------------------
# Permissions and views
# ---------------------------------------------------------------------------------------


class LoginNotRequiredMixin:
    """API views answer 401/403 in JSON: LoginRequiredMiddleware must not redirect them."""

    @classmethod
    def as_view(cls, *args, **initkwargs):
        return login_not_required(super().as_view(*args, **initkwargs))


class CanReadRole(BasePermission):
    """The role rule of perms.py that the matching pages also apply (view.read_rule)."""

    message = FORBIDDEN_READ

    def has_permission(self, request, view):
        rule = getattr(view, "read_rule", None)
        return rule is None or rule(request.user)


class CanManageContrat(BasePermission):
    """Writes need the role's model permission, then the PDV team of the record's contract."""

    message = FORBIDDEN_WRITE
    actions = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        opts = view.model._meta
        verb = self.actions.get(request.method)
        return bool(verb) and request.user.has_perm(f"{opts.app_label}.{verb}_{opts.model_name}")

    def has_object_permission(self, request, view, obj):
        return request.method in SAFE_METHODS or perms.can_manage_record(request.user, obj)


class ScopedViewSet(LoginNotRequiredMixin, viewsets.ReadOnlyModelViewSet):
    """Lists and details of the records the user may see, with their related rows joined."""

    permission_classes = [IsAuthenticated, CanReadRole]
    model = None
    read_rule = None
    select = ()
    prefetch = ()

    def get_queryset(self):
        queryset = self.model.objects.for_user(self.request.user)
        if self.select:
            queryset = queryset.select_related(*self.select)
        if self.prefetch:
            queryset = queryset.prefetch_related(*self.prefetch)
        return queryset


class StillInUse(exceptions.APIException):
    status_code = 409
    default_detail = "Cet élément est encore utilisé et ne peut pas être supprimé."
    default_code = "protected"


def _used_by(exc):
    """The kinds of records that block a deletion, e.g. « actions, objectifs »."""
    names = {str(obj._meta.verbose_name_plural) for obj in exc.protected_objects}
    return ", ".join(sorted(names))


class ContratWriteViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, ScopedViewSet
):
    """Read for the contract's users; create, update and delete for its PDV team."""

    permission_classes = [IsAuthenticated, CanReadRole, CanManageContrat]

    def check_can_manage(self, candidate):
        if not perms.can_manage_record(self.request.user, candidate):
            raise exceptions.PermissionDenied(FORBIDDEN_WRITE)

    def perform_create(self, serializer):
        self.check_can_manage(serializer.build_candidate(serializer.validated_data))
        serializer.save()

    def perform_update(self, serializer):
        # The record's current contract was checked by get_object(); this checks the new one.
        self.check_can_manage(serializer.build_candidate(serializer.validated_data))
        serializer.save()

    @extend_schema(
        responses={
            204: None,
            409: OpenApiResponse(description="L'élément est encore utilisé ailleurs."),
        }
    )
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance):
        # A pillar or an objective that actions still use stays (on_delete=PROTECT).
        try:
            instance.delete()
        except ProtectedError as exc:
            raise StillInUse(
                f"Impossible de supprimer « {instance} » : des éléments l'utilisent encore "
                f"({_used_by(exc)})."
            ) from exc


class ContratViewSet(ScopedViewSet):
    """Les contrats de ville que vous suivez."""

    model = Contrat
    serializer_class = ContratSerializer
    filterset_class = filters.ContratFilter
    read_rule = staticmethod(perms.can_view_contrat)
    select = ["epci"]


class OrganisationViewSet(ScopedViewSet):
    """L'annuaire des organisations (votre seule organisation pour un porteur)."""

    model = Organisation
    serializer_class = OrganisationSerializer
    filterset_class = filters.OrganisationFilter


class SignataireViewSet(ContratWriteViewSet):
    """Les signataires des contrats que vous suivez."""

    model = Signataire
    serializer_class = SignataireSerializer
    filterset_class = filters.SignataireFilter
    read_rule = staticmethod(perms.can_view_contrat)
    select = ["organisation"]


class PilierViewSet(ContratWriteViewSet):
    """Les piliers des contrats que vous suivez."""

    model = Pilier
    serializer_class = PilierSerializer
    filterset_class = filters.PilierFilter
    read_rule = staticmethod(perms.can_view_contrat)


class AxeTransversalViewSet(ContratWriteViewSet):
    """Les axes transversaux des contrats que vous suivez."""

    model = AxeTransversal
    serializer_class = AxeTransversalSerializer
    filterset_class = filters.AxeTransversalFilter
    read_rule = staticmethod(perms.can_view_contrat)


class ObjectifViewSet(ContratWriteViewSet):
    """Orientations stratégiques et objectifs opérationnels des contrats que vous suivez."""

    model = Objectif
    serializer_class = ObjectifSerializer
    filterset_class = filters.ObjectifFilter
    read_rule = staticmethod(perms.can_view_contrat)
    select = ["pilier"]


class ThematiqueANCTViewSet(ScopedViewSet):
    """La nomenclature nationale des thématiques ANCT (thèmes et sous-thèmes)."""

    model = ThematiqueANCT
    serializer_class = ThematiqueANCTSerializer
    filterset_class = filters.ThematiqueANCTFilter


class InstanceViewSet(ContratWriteViewSet):
    """Les instances de gouvernance (COPIL, COTECH…) des contrats que vous suivez."""

    model = Instance
    serializer_class = InstanceSerializer
    filterset_class = filters.InstanceFilter
    read_rule = staticmethod(perms.can_view_gouvernance)
    prefetch = ["membres"]


class ReunionViewSet(ContratWriteViewSet):
    """Les réunions des instances de gouvernance des contrats que vous suivez."""

    model = Reunion
    serializer_class = ReunionSerializer
    filterset_class = filters.ReunionFilter
    read_rule = staticmethod(perms.can_view_gouvernance)
    select = ["instance"]
    prefetch = ["participants"]

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="compte-rendu", url_name="compte-rendu")
    def telecharger_compte_rendu(self, request, pk=None, format=None):
        """Le compte rendu de la réunion, si elle en a un et si vous suivez son contrat."""
        return attachment_response(self.get_object().compte_rendu)


class MoiView(LoginNotRequiredMixin, APIView):
    """La personne connectée : identité, organisation, rôles et contrats suivis."""

    @extend_schema(responses=MoiSerializer)
    def get(self, request):
        return Response(MoiSerializer(request.user).data)


class SchemaView(LoginNotRequiredMixin, SpectacularAPIView):
    permission_classes = [IsAuthenticated]


class ApiRootView(LoginNotRequiredMixin, routers.APIRootView):
    pass


class Router(routers.DefaultRouter):
    APIRootView = ApiRootView


router = Router()
router.register("contrats", ContratViewSet, basename="contrat")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("signataires", SignataireViewSet, basename="signataire")
router.register("piliers", PilierViewSet, basename="pilier")
router.register("axes", AxeTransversalViewSet, basename="axe")
router.register("objectifs", ObjectifViewSet, basename="objectif")
router.register("thematiques", ThematiqueANCTViewSet, basename="thematique")
router.register("instances", InstanceViewSet, basename="instance")
router.register("reunions", ReunionViewSet, basename="reunion")

urlpatterns = [
    path("moi/", MoiView.as_view(), name="api-moi"),
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("", include(router.urls)),
]
