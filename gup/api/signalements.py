"""GUP API: diagnostics en marchant, categories and signalements. `routes`: (prefix,
viewset, basename) for the router; `urlpatterns`: any other route.

Reads start from for_user(); writes go through the same services and rules as the pages
(gup.services, gup.services_signalements, gup.perms). A write made on a version the client
no longer holds is refused: 409 when the body's `version` is stale, 412 when the
`If-Match` header is."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import decorators, exceptions, mixins, serializers, status
from rest_framework.response import Response
from rest_framework.reverse import reverse

from cdv.api import ScopedPrimaryKeyRelatedField, version_if_match
from cdv.models import Organisation
from gup import perms, services, services_signalements
from gup.enums import TRANSITIONS, Priorite, SourceSignalement
from gup.models import CategorieSignalement, Diagnostic, Signalement
from gup.selectors_signalements import (
    DiagnosticFilter,
    SignalementFilter,
    avec_chiffres,
    with_list_related_data,
)
from programmation.api.base import AliasOrderingFilter, ProgrammationViewSet, service_errors
from programmation.api.serializers import choice_label, display_name
from quartiers.models import Quartier

FORBIDDEN_COORDINATION = "Seule la coordination GUP du contrat peut faire cela."
VERSION_REQUISE = "Indiquez la version du signalement que vous avez lue (champ version)."


PERIME = "{quoi} a été modifié entre-temps : relisez-le (version {version}) puis recommencez."


def _version_demandee(request, body_version):
    """The version the client read, and the status of a refusal: 412 when it came in the
    If-Match header, 409 when it came in the body."""
    header = version_if_match(request)
    if header is not None:
        return header, status.HTTP_412_PRECONDITION_FAILED
    return body_version, status.HTTP_409_CONFLICT


def _perime(quoi, actuel, code=status.HTTP_409_CONFLICT):
    """The refusal of a write on a stale version, with the version to read again."""
    detail = PERIME.format(quoi=quoi, version=actuel.version)
    return Response({"detail": detail, "version": actuel.version}, status=code)


# Serializers --------------------------------------------------------------------------------


class CategorieSerializer(serializers.ModelSerializer):
    contrat = serializers.IntegerField(source="contrat_id", read_only=True)
    organisation_responsable_nom = serializers.CharField(
        source="organisation_responsable.nom", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = CategorieSignalement
        fields = [
            "id",
            "contrat",
            "code",
            "libelle",
            "organisation_responsable",
            "organisation_responsable_nom",
            "delai_cible_jours",
            "ordre",
            "active",
        ]


class DiagnosticSerializer(serializers.ModelSerializer):
    quartier = ScopedPrimaryKeyRelatedField(Quartier)
    quartier_nom = serializers.CharField(source="quartier.nom", read_only=True)
    participants = ScopedPrimaryKeyRelatedField(Organisation, many=True, required=False)
    nb_signalements = serializers.IntegerField(read_only=True)
    nb_ouverts = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Pour une modification : la version lue (409 si elle est périmée).",
    )

    class Meta:
        model = Diagnostic
        fields = [
            "id",
            "quartier",
            "quartier_nom",
            "date",
            "secteur",
            "participants",
            "nb_habitants",
            "compte_rendu",
            "nb_signalements",
            "nb_ouverts",
            "version",
        ]


class EvenementSignalementSerializer(serializers.Serializer):
    date = serializers.DateTimeField()
    code = serializers.CharField()
    etape = serializers.SerializerMethodField()
    etat_avant = serializers.CharField()
    etat_apres = serializers.CharField()
    organisation = serializers.IntegerField(source="organisation_id", allow_null=True)
    organisation_nom = serializers.CharField(source="organisation.nom", default=None)
    auteur = serializers.SerializerMethodField()
    commentaire = serializers.CharField()
    public = serializers.BooleanField()

    def get_etape(self, evenement) -> str:
        transition = TRANSITIONS.get(evenement.code)
        return transition.label if transition else evenement.code

    def get_auteur(self, evenement) -> str | None:
        return display_name(evenement.auteur) if evenement.auteur else None


class PhotoSignalementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type_mime = serializers.CharField()
    ajoutee_le = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, photo):
        """The scoped download page, never the storage's own address."""
        return reverse("gup:photo", args=[photo.pk], request=self.context.get("request"))


class SignalementListSerializer(serializers.ModelSerializer):
    quartier_nom = serializers.CharField(source="quartier.nom", read_only=True)
    categorie_libelle = serializers.CharField(source="categorie.libelle", read_only=True)
    etat_libelle = choice_label("etat")
    priorite_libelle = choice_label("priorite")
    source_libelle = choice_label("source")
    organisation_responsable_nom = serializers.CharField(
        source="organisation_responsable.nom", read_only=True, allow_null=True, default=None
    )
    en_retard = serializers.BooleanField(read_only=True)

    class Meta:
        model = Signalement
        fields = [
            "id",
            "quartier",
            "quartier_nom",
            "categorie",
            "categorie_libelle",
            "etat",
            "etat_libelle",
            "priorite",
            "priorite_libelle",
            "source",
            "source_libelle",
            "organisation_responsable",
            "organisation_responsable_nom",
            "adresse",
            "latitude",
            "longitude",
            "diagnostic",
            "signale_le",
            "echeance",
            "en_retard",
            "version",
        ]


class SignalementDetailSerializer(SignalementListSerializer):
    evenements = EvenementSignalementSerializer(many=True, read_only=True)
    photos = PhotoSignalementSerializer(many=True, read_only=True)
    etapes_possibles = serializers.SerializerMethodField()

    class Meta(SignalementListSerializer.Meta):
        fields = [
            *SignalementListSerializer.Meta.fields,
            "description",
            "original",
            "transmis_le",
            "resolu_le",
            "clos_le",
            "resolution_confirmee",
            "evenements",
            "photos",
            "etapes_possibles",
        ]

    def get_etapes_possibles(self, signalement) -> list[dict]:
        user = self.context["request"].user
        return [
            {
                "code": t.code,
                "libelle": t.label,
                "etat_cible": t.target,
                "commentaire_requis": t.commentaire_requis,
            }
            for t in perms.available_transitions(user, signalement)
        ]


class SignalementCreateSerializer(serializers.Serializer):
    quartier = ScopedPrimaryKeyRelatedField(Quartier)
    categorie = ScopedPrimaryKeyRelatedField(CategorieSignalement)
    description = serializers.CharField(
        max_length=5000, error_messages={"blank": "Décrivez le problème constaté."}
    )
    adresse = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, default=None
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, default=None
    )
    source = serializers.ChoiceField(
        choices=SourceSignalement.choices, default=SourceSignalement.PARTENAIRE
    )
    priorite = serializers.ChoiceField(choices=Priorite.choices, default=Priorite.NORMALE)
    organisation_responsable = ScopedPrimaryKeyRelatedField(
        Organisation,
        required=False,
        allow_null=True,
        default=None,
        help_text="Par défaut, celle de la catégorie.",
    )
    diagnostic = ScopedPrimaryKeyRelatedField(
        Diagnostic, required=False, allow_null=True, default=None
    )
    echeance = serializers.DateField(required=False, allow_null=True, default=None)
    client_uuid = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Identifiant choisi par le client : un envoi répété ne crée pas de doublon.",
    )


class SignalementPatchSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="La version lue (ou l'en-tête If-Match) : 409 si elle est périmée.",
    )
    categorie = ScopedPrimaryKeyRelatedField(CategorieSignalement, required=False)
    description = serializers.CharField(required=False, max_length=5000)
    adresse = serializers.CharField(required=False, allow_blank=True, max_length=255)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    priorite = serializers.ChoiceField(choices=Priorite.choices, required=False)
    echeance = serializers.DateField(required=False, allow_null=True)
    organisation_responsable = ScopedPrimaryKeyRelatedField(
        Organisation, required=False, allow_null=True
    )


class TransitionSignalementSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=[(code, t.label) for code, t in TRANSITIONS.items()],
        help_text="L'étape à franchir (voir `etapes_possibles` dans le détail).",
    )
    commentaire = serializers.CharField(required=False, allow_blank=True, default="")
    organisation = ScopedPrimaryKeyRelatedField(
        Organisation,
        required=False,
        allow_null=True,
        default=None,
        help_text="Pour transmettre ou réattribuer : l'organisation responsable.",
    )
    original = ScopedPrimaryKeyRelatedField(
        Signalement,
        required=False,
        allow_null=True,
        default=None,
        help_text="Pour marquer comme doublon : le signalement d'origine.",
    )
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text="La version lue : 409 si le signalement a changé depuis.",
    )


# Viewsets -----------------------------------------------------------------------------------

ERRORS = {
    400: OpenApiResponse(description="Contenu invalide : messages par champ."),
    403: OpenApiResponse(description="Votre rôle ou l'état du signalement l'interdit."),
    404: OpenApiResponse(description="Inconnu ou hors de votre périmètre."),
    409: OpenApiResponse(description="Modifié entre-temps : la version lue est périmée."),
}


class GupViewSet(ProgrammationViewSet):
    read_rule = staticmethod(perms.can_view_gup)


class CategorieViewSet(GupViewSet):
    """Les catégories de signalement des contrats que vous suivez."""

    model = CategorieSignalement
    serializer_class = CategorieSerializer
    select = ["organisation_responsable"]
    filterset_fields = ["contrat", "active"]


class DiagnosticViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, GupViewSet):
    """Les diagnostics en marchant : la coordination GUP du contrat les crée et les corrige."""

    model = Diagnostic
    serializer_class = DiagnosticSerializer
    filterset_class = DiagnosticFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return avec_chiffres(
            Diagnostic.objects.for_user(self.request.user).select_related("quartier")
        ).prefetch_related("participants")

    def _data(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        return data

    def perform_create(self, serializer):
        data = self._data(serializer)
        with service_errors():
            serializer.instance = services_signalements.diagnostic_create(
                user=self.request.user, participants=data.pop("participants", []), **data
            )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not perms.can_manage_diagnostic(request.user, serializer.validated_data["quartier"]):
            raise exceptions.PermissionDenied(FORBIDDEN_COORDINATION)
        self.perform_create(serializer)
        instance = self.get_queryset().get(pk=serializer.instance.pk)
        return Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        diagnostic = self.get_object()
        if not perms.can_manage_diagnostic(request.user, diagnostic.quartier):
            raise exceptions.PermissionDenied(FORBIDDEN_COORDINATION)
        serializer = self.get_serializer(
            diagnostic, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        version, conflit = _version_demandee(request, serializer.validated_data.get("version"))
        if version is None:
            raise exceptions.ValidationError({"version": [VERSION_REQUISE]})
        data = self._data(serializer)
        try:
            with service_errors():
                services_signalements.diagnostic_update(
                    diagnostic=diagnostic,
                    user=request.user,
                    version=version,
                    participants=data.pop("participants", None),
                    **data,
                )
        except exceptions.ValidationError as exc:
            if "version" in exc.detail:
                diagnostic.refresh_from_db()
                return _perime("Ce diagnostic", diagnostic, conflit)
            raise
        return Response(self.get_serializer(self.get_queryset().get(pk=diagnostic.pk)).data)


class SignalementViewSet(mixins.CreateModelMixin, GupViewSet):
    """Les signalements que vous voyez : ceux des contrats que vous suivez, ou ceux
    attribués à votre organisation pour un intervenant GUP."""

    model = Signalement
    filterset_class = SignalementFilter
    filter_backends = [DjangoFilterBackend, AliasOrderingFilter]
    ordering_fields = {
        "signale_le": "signale_le",
        "echeance": "echeance",
        "etat": "etat",
        "priorite": "priorite",
        "quartier": "quartier__nom",
        "categorie": "categorie__libelle",
    }
    ordering = ["-signale_le"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        return {
            "list": SignalementListSerializer,
            "create": SignalementCreateSerializer,
            "partial_update": SignalementPatchSerializer,
            "transitions": TransitionSignalementSerializer,
        }.get(self.action, SignalementDetailSerializer)

    def get_queryset(self):
        queryset = with_list_related_data(Signalement.objects.for_user(self.request.user))
        if self.action == "list":
            return queryset
        return queryset.prefetch_related("evenements__auteur", "evenements__organisation", "photos")

    def _detail(self, pk, code=status.HTTP_200_OK):
        self.action = "retrieve"
        signalement = self.get_queryset().get(pk=pk)
        context = self.get_serializer_context()
        return Response(SignalementDetailSerializer(signalement, context=context).data, code)

    @extend_schema(
        request=SignalementCreateSerializer,
        responses={201: SignalementDetailSerializer, **ERRORS},
    )
    def create(self, request, *args, **kwargs):
        """Enregistre un signalement (coordination GUP du contrat du quartier), orienté par
        défaut vers l'organisation de sa catégorie ; un `client_uuid` déjà reçu renvoie le
        signalement existant (200) au lieu d'en créer un second."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not perms.can_create_signalement(request.user, data["quartier"]):
            raise exceptions.PermissionDenied(FORBIDDEN_COORDINATION)
        with service_errors():
            signalement, cree = services.signalement_create(auteur=request.user, **data)
        return self._detail(signalement.pk, status.HTTP_201_CREATED if cree else status.HTTP_200_OK)

    @extend_schema(
        request=SignalementPatchSerializer,
        responses={200: SignalementDetailSerializer, 412: OpenApiResponse(), **ERRORS},
    )
    def partial_update(self, request, *args, **kwargs):
        """Corrige un signalement ouvert (coordination GUP) : catégorie, description, lieu,
        priorité, échéance, organisation responsable, à la version lue (`version` ou
        en-tête If-Match)."""
        signalement = self.get_object()
        if not perms.can_edit(request.user, signalement):
            raise exceptions.PermissionDenied(
                "Seule la coordination GUP corrige un signalement, tant qu'il est ouvert."
            )
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version, conflit = _version_demandee(request, data.pop("version", None))
        if version is None:
            raise exceptions.ValidationError({"version": [VERSION_REQUISE]})
        try:
            with service_errors():
                services_signalements.signalement_update(
                    signalement=signalement, user=request.user, version=version, **data
                )
        except exceptions.ValidationError as exc:
            if "version" in exc.detail:
                signalement.refresh_from_db()
                return _perime("Ce signalement", signalement, conflit)
            raise
        return self._detail(signalement.pk)

    @extend_schema(
        summary="Franchir une étape du circuit",
        request=TransitionSignalementSerializer,
        responses={200: SignalementDetailSerializer, **ERRORS},
    )
    @decorators.action(detail=True, methods=["post"])
    def transitions(self, request, pk=None, format=None):
        """Fait franchir au signalement une étape (transmettre, prendre en charge, résoudre…)
        selon la même table et les mêmes rôles que les pages ; l'étape s'inscrit dans
        l'historique."""
        signalement = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            with service_errors():
                services.signalement_transition(
                    signalement=signalement, user=request.user, **serializer.validated_data
                )
        except exceptions.ValidationError as exc:
            if "version" in exc.detail:
                signalement.refresh_from_db()
                return _perime("Ce signalement", signalement)
            raise
        return self._detail(signalement.pk)


routes = [
    ("diagnostics", DiagnosticViewSet, "gup-diagnostic"),
    ("categories", CategorieViewSet, "gup-categorie"),
    ("signalements", SignalementViewSet, "gup-signalement"),
]
urlpatterns = []
