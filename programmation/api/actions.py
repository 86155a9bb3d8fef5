"""The actions through the API: the programming table (list), the whole application (detail)
and the writes — the application's content, a workflow step, a funder's opinion, the
committee's decision — each going through the same service, hence the same table and roles,
as the pages.

The content is written at the version the client read (optimistic locking): the detail
answers with an `ETag: W/"<version>"` header and a `version` field; PUT and PATCH must name
that version, in an `If-Match` header (a stale one: 412) or in the body's `version`
(a stale one: 409)."""

from decimal import Decimal

from django.db.models import DecimalField
from django.forms.models import model_to_dict
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import decorators, exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings

from cdv.api import INT_MAX, version_if_match
from programmation import perms, services
from programmation.api.base import AliasOrderingFilter, ProgrammationViewSet, service_errors
from programmation.api.serializers import ActionDetailSerializer, ActionListSerializer
from programmation.enums import TRANSITIONS, SensAvis
from programmation.filters import ActionFilter
from programmation.forms import ActionForm
from programmation.forms_comite import NEGATIF
from programmation.models import Action

INTERDIT_MODIFIER = (
    "Seul le porteur modifie sa demande, tant qu'elle est en brouillon ou à compléter."
)
VERSION_REQUISE = (
    "Indiquez la version de la demande que vous avez lue : en-tête If-Match (valeur de "
    "l'en-tête ETag du détail) ou champ version."
)

_money = DecimalField(max_digits=14, decimal_places=2)


# Inputs of the writes -----------------------------------------------------------------------


class TransitionInputSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=[(code, transition.label) for code, transition in TRANSITIONS.items()],
        help_text="L'étape à franchir (voir `etapes_possibles` dans le détail de l'action).",
    )
    commentaire = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Obligatoire pour demander des compléments, refuser ou ajourner.",
    )


class AvisInputSerializer(serializers.Serializer):
    sens = serializers.ChoiceField(choices=SensAvis.choices)
    montant_propose = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        error_messages={"min_value": NEGATIF},
        required=False,
        allow_null=True,
        default=None,
        help_text="Le montant que votre organisation propose d'accorder, en euros.",
    )
    commentaire = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Visible du porteur."
    )
    annotation_privee = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Visible des seuls instructeurs : le porteur ne la voit jamais.",
    )


class MontantAccordeSerializer(serializers.Serializer):
    financement = serializers.IntegerField(help_text="Une ligne de `financements` de l'action.")
    montant_accorde = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        error_messages={"min_value": NEGATIF},
        allow_null=True,
    )


class DecisionInputSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=[(c, t.label) for c, t in TRANSITIONS.items() if c in services.COMITE_DECISIONS]
    )
    montants = MontantAccordeSerializer(
        many=True,
        required=False,
        default=list,
        help_text="Pour programmer : le montant accordé sur chaque ligne de financement.",
    )
    commentaire = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Obligatoire pour refuser ou ajourner.",
    )


class ActionContentInputSerializer(serializers.Serializer):
    """The application's own fields, as the form of the pages has them (the tables —
    quartiers, indicators, funding, budget — are edited on the pages)."""

    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=INT_MAX,
        help_text="La version lue (champ `version` du détail) ; à défaut, l'en-tête If-Match. "
        "409 si elle est périmée.",
    )
    intitule = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_blank=True)
    objectifs_action = serializers.CharField(required=False, allow_blank=True)
    pilier = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    objectif = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="Un objectif opérationnel du contrat ; il donne son pilier.",
    )
    axes = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=100
    )
    thematique = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    public_vise = serializers.CharField(required=False, allow_blank=True)
    beneficiaires_prevus = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=INT_MAX
    )
    part_femmes = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True
    )
    part_qpv = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True
    )
    tranches_age = serializers.CharField(required=False, allow_blank=True, max_length=255)
    date_debut = serializers.DateField(required=False, allow_null=True)
    date_fin = serializers.DateField(required=False, allow_null=True)
    lieux = serializers.CharField(required=False, allow_blank=True)
    moyens_humains = serializers.CharField(required=False, allow_blank=True)
    est_reconduction = serializers.BooleanField(required=False)
    reconduction_de = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class ConflitSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Qui a modifié la demande, et quand.")
    version = serializers.IntegerField(help_text="La version actuelle.")
    actuelle = ActionDetailSerializer(help_text="La demande telle qu'elle est enregistrée.")


def _etag(action):
    return f'W/"{action.version}"'


def _form_value(value):
    """A JSON value as the page's form reads it."""
    if value is None:
        return ""
    if isinstance(value, bool | list):
        return value
    return str(value)


# The viewset --------------------------------------------------------------------------------

ERRORS = {
    400: OpenApiResponse(description="Contenu incomplet ou invalide : messages par champ."),
    403: OpenApiResponse(description="Votre rôle ou l'état de l'action l'interdit (motif)."),
    404: OpenApiResponse(description="Action inconnue ou hors de votre périmètre."),
}
CONFLITS = {
    409: OpenApiResponse(
        ConflitSerializer,
        description="La `version` du corps est périmée : quelqu'un a modifié la demande "
        "depuis. Rien n'est enregistré ; la réponse donne la version actuelle.",
    ),
    412: OpenApiResponse(
        ConflitSerializer,
        description="L'en-tête If-Match ne correspond plus à la version de la demande. "
        "Rien n'est enregistré ; la réponse donne la version actuelle.",
    ),
}
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='La valeur de l\'en-tête ETag du détail lu, par exemple W/"3" '
    "(ou, à défaut, le champ `version` du corps).",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='La version de la demande, par exemple W/"3" : à renvoyer dans If-Match.',
    response=[200, 409, 412],
)
# The writes, by route, and what they read.
INPUTS = {
    "transitions": TransitionInputSerializer,
    "avis": AvisInputSerializer,
    "decision": DecisionInputSerializer,
}


@extend_schema_view(
    list=extend_schema(
        summary="Le tableau de programmation",
        description="Les actions que vous suivez, une ligne par action : année, porteur, "
        "pilier, état et montants demandé, accordé et versé. Les critères sont ceux du "
        "tableau de programmation ; 50 actions par page.",
    ),
    retrieve=extend_schema(
        summary="Une action",
        description="Toute la demande : contenu, quartiers et leurs parts, indicateurs, "
        "financements, budget, avis des financeurs (annotations privées pour les seuls "
        "instructeurs), historique et étapes que vous pouvez franchir. L'en-tête ETag "
        "donne sa version, à renvoyer dans If-Match pour la modifier.",
        parameters=[ETAG],
    ),
)
class ActionViewSet(ProgrammationViewSet):
    """Les actions (demandes de subvention) que vous suivez."""

    model = Action
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    filterset_class = ActionFilter
    filter_backends = [DjangoFilterBackend, AliasOrderingFilter]
    ordering_fields = {
        "annee": "appel__annee",
        "intitule": "intitule",
        "porteur": "porteur__nom",
        "etat": "etat",
        "deposee_le": "deposee_le",
        "montant_demande": "montant_demande",
        "montant_accorde": "montant_accorde",
        "montant_verse": "montant_verse",
    }
    ordering = ["-annee", "intitule"]

    def get_serializer_class(self):
        if self.action == "list":
            return ActionListSerializer
        if self.action in ("update", "partial_update"):
            return ActionContentInputSerializer
        # The writes' inputs also give the browsable API its forms.
        return INPUTS.get(self.action, ActionDetailSerializer)

    def get_queryset(self):
        queryset = Action.objects.for_user(self.request.user)
        if self.action in ("update", "partial_update"):
            return queryset.select_related("appel__contrat")
        if self.action in INPUTS:
            # The services lock and re-read the row; the answer is read again afterwards.
            return queryset
        queryset = (
            queryset.with_list_related_data()
            .with_financements_total("montant_accorde")
            .with_montant_verse()
        )
        if self.action == "list":
            return queryset
        return queryset.select_related("objectif", "thematique", "instructeur").prefetch_related(
            "axes",
            "quartiers__quartier",
            "indicateurs",
            "financements__financeur",
            "lignes_budget__financeur",
            "avis__financeur",
            "avis__auteur",
            "transitions__auteur__organisation",
        )

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    def _detail(self, action, code=status.HTTP_200_OK):
        response = Response(self._detail_data(action), status=code)
        response["ETag"] = _etag(action)
        return response

    def _detail_data(self, action):
        user = self.request.user
        action.etapes_possibles = [
            {
                "code": transition.code,
                "libelle": transition.label,
                "etat_cible": transition.target,
                "commentaire_requis": transition.code in services.COMMENT_REQUIRED,
            }
            for transition in perms.available_transitions(user, action)
        ]
        action.peut_modifier = perms.can_edit_application(user, action)
        action.peut_donner_avis = perms.can_give_avis(user, action)
        context = self.get_serializer_context()
        context["annotations_privees"] = perms.can_read_private_annotations(user, action)
        return ActionDetailSerializer(action, context=context).data

    def _after_write(self, action, code=status.HTTP_200_OK):
        """The action as it now is, read like a detail."""
        self.action = "retrieve"  # the detail's queryset, for the same pk
        return self._detail(self.get_object(), code)

    # The application's content ------------------------------------------------------------

    @extend_schema(
        summary="Modifier la demande",
        parameters=[IF_MATCH, ETAG],
        request=ActionContentInputSerializer,
        responses={200: ActionDetailSerializer, **ERRORS, **CONFLITS},
    )
    def update(self, request, *args, **kwargs):
        """Remplace le contenu de la demande (brouillon ou à compléter, par son porteur) :
        les champs absents sont vidés. La version lue est obligatoire : en-tête If-Match
        (412 si elle est périmée) ou champ `version` (409). Les tableaux (quartiers,
        indicateurs, financements, budget) se modifient sur les pages."""
        return self._write_content(partial=False)

    @extend_schema(
        summary="Modifier une partie de la demande",
        parameters=[IF_MATCH, ETAG],
        request=ActionContentInputSerializer,
        responses={200: ActionDetailSerializer, **ERRORS, **CONFLITS},
    )
    def partial_update(self, request, *args, **kwargs):
        """Modifie les seuls champs envoyés, à la version lue : en-tête If-Match (412 si elle
        est périmée) ou champ `version` (409)."""
        return self._write_content(partial=True)

    def _write_content(self, *, partial):
        """Validated by the page's own form (same choices, same rules), saved by the same
        service, at the version the client names."""
        request, user = self.request, self.request.user
        action = self.get_object()
        if not perms.can_edit_application(user, action):
            raise exceptions.PermissionDenied(INTERDIT_MODIFIER)
        serializer = ActionContentInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        en_tete = version_if_match(request)
        version = data.pop("version", None) if en_tete is None else en_tete
        if version is None:
            raise exceptions.ValidationError({"version": [VERSION_REQUISE]})

        donnees = {}
        if partial:
            donnees = model_to_dict(action, fields=ActionForm._meta.fields)
            donnees["axes"] = [axe.pk for axe in donnees.get("axes", [])]
        donnees.update(data)
        form = ActionForm(
            {name: _form_value(value) for name, value in donnees.items()},
            instance=action,
            user=user,
            reconductibles=Action.objects.for_user(user).filter(
                porteur_id=action.porteur_id, appel__annee__lt=action.appel.annee
            ),
        )
        if not form.is_valid():
            raise exceptions.ValidationError(
                {
                    (api_settings.NON_FIELD_ERRORS_KEY if name == "__all__" else name): messages
                    for name, messages in form.errors.items()
                }
            )
        conflit = None
        with service_errors():
            try:
                services.action_content_save(
                    action=action, user=user, version=version, formulaire=form
                )
            except services.VersionPerimee as exc:
                conflit = exc
        if conflit is not None:
            # The header is HTTP's precondition; the body's field, a conflict of contents.
            if en_tete is None:
                return self._conflict(conflit, status.HTTP_409_CONFLICT)
            return self._conflict(conflit, status.HTTP_412_PRECONDITION_FAILED)
        return self._after_write(action)

    def _conflict(self, exc, code):
        """Nothing was written: the answer says who changed the application and when, and
        gives it as it now is, with its version."""
        self.action = "retrieve"
        actuelle = self.get_object()
        response = Response(
            {
                "detail": exc.messages[0],
                "version": actuelle.version,
                "actuelle": self._detail_data(actuelle),
            },
            status=code,
        )
        response["ETag"] = _etag(actuelle)
        return response

    def _input(self):
        serializer = self.get_serializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(
        summary="Franchir une étape du circuit",
        request=TransitionInputSerializer,
        responses={200: ActionDetailSerializer, **ERRORS},
    )
    @decorators.action(detail=True, methods=["post"])
    def transitions(self, request, pk=None, format=None):
        """Fait franchir à l'action une étape du circuit (déposer, instruire, programmer…),
        selon la même table des transitions et les mêmes rôles que les pages. Un dépôt
        incomplet est refusé avec chaque problème sur son champ ; l'étape est enregistrée
        dans l'historique et les personnes concernées sont prévenues par courriel."""
        action = self.get_object()
        data = self._input()
        with service_errors():
            action = services.action_transition(action=action, user=request.user, **data)
        return self._after_write(action)

    @extend_schema(
        summary="Rendre l'avis de votre organisation",
        request=AvisInputSerializer,
        responses={200: ActionDetailSerializer, **ERRORS},
    )
    @decorators.action(detail=True, methods=["post"])
    def avis(self, request, pk=None, format=None):
        """L'avis (favorable, réservé, défavorable) de votre organisation, financeur sollicité,
        pendant la phase d'avis des financeurs ; le rendre à nouveau le modifie. Le montant
        proposé est reporté sur la ligne de financement de votre organisation."""
        action = self.get_object()
        data = self._input()
        with service_errors():
            services.avis_record(action=action, user=request.user, **data)
        return self._after_write(action)

    @extend_schema(
        summary="Enregistrer la décision du comité",
        request=DecisionInputSerializer,
        responses={200: ActionDetailSerializer, **ERRORS},
    )
    @decorators.action(detail=True, methods=["post"])
    def decision(self, request, pk=None, format=None):
        """La décision du comité de programmation : programmer (avec le montant accordé sur
        chaque ligne de financement), refuser ou ajourner (avec un commentaire). Réservée à
        l'équipe politique de la ville du contrat."""
        action = self.get_object()
        data = self._input()
        montants = None
        if data["code"] == "programmer":
            montants = {row["financement"]: row["montant_accorde"] for row in data["montants"]}
        with service_errors():
            action = services.comite_decide(
                action=action,
                user=request.user,
                code=data["code"],
                montants=montants,
                commentaire=data["commentaire"],
            )
        return self._after_write(action)
