"""The actions through the API: the programming table (list), the whole application (detail)
and the writes — a workflow step, a funder's opinion, the committee's decision — each going
through the same service, hence the same table and roles, as the pages."""

from decimal import Decimal

from django.db.models import DecimalField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import decorators, serializers
from rest_framework.response import Response

from programmation import perms, services
from programmation.api.base import AliasOrderingFilter, ProgrammationViewSet, service_errors
from programmation.api.serializers import ActionDetailSerializer, ActionListSerializer
from programmation.enums import TRANSITIONS, SensAvis
from programmation.filters import ActionFilter
from programmation.forms_comite import NEGATIF
from programmation.models import Action

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


# The viewset --------------------------------------------------------------------------------

ERRORS = {
    400: OpenApiResponse(description="Contenu incomplet ou invalide : messages par champ."),
    403: OpenApiResponse(description="Votre rôle ou l'état de l'action l'interdit (motif)."),
    404: OpenApiResponse(description="Action inconnue ou hors de votre périmètre."),
}
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
        "instructeurs), historique et étapes que vous pouvez franchir.",
    ),
)
class ActionViewSet(ProgrammationViewSet):
    """Les actions (demandes de subvention) que vous suivez."""

    model = Action
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
        # The writes' inputs also give the browsable API its forms.
        return INPUTS.get(self.action, ActionDetailSerializer)

    def get_queryset(self):
        queryset = Action.objects.for_user(self.request.user)
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

    def _detail(self, action):
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
        return Response(ActionDetailSerializer(action, context=context).data)

    def _after_write(self, action):
        """The action as it now is, read like a detail."""
        self.action = "retrieve"  # the detail's queryset, for the same pk
        return self._detail(self.get_object())

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
