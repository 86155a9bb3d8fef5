"""GUP API: the TFPB abatement. `routes`: (prefix, viewset, basename) for the router;
`urlpatterns`: the bilan.

Reads are scoped by for_user() (readers of the contract see all of it, a landlord's
intervenant GUP its own conventions); writes go through gup.services_tfpb, which applies the
same rules as the pages (coordination GUP for conventions; coordination and the landlord
itself for abatements and actions) and answers in French."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cdv.api import CanReadRole, LoginNotRequiredMixin, ScopedPrimaryKeyRelatedField
from cdv.enums import OrganisationKind
from cdv.models import Contrat, Organisation
from cdv.selectors import contrat_courant
from gup import perms_tfpb, selectors_tfpb, services_tfpb
from gup.models import (
    AbattementTFPB,
    ActionTFPB,
    AxeTFPB,
    ConventionTFPB,
    Diagnostic,
    PatrimoineTFPB,
)
from programmation.api.base import ProgrammationViewSet, service_errors
from quartiers.models import Quartier

MONTANT = {"max_digits": 12, "decimal_places": 2, "min_value": 0}
MONTANT_MESSAGES = {
    "invalid": "Indiquez un montant en euros, par exemple 1234.56.",
    "min_value": "Un montant ne peut être négatif.",
    "max_digits": "Ce montant est trop élevé.",
    "max_whole_digits": "Ce montant est trop élevé.",
    "max_decimal_places": "Un montant a au plus deux chiffres après la virgule.",
    "required": "Ce champ est obligatoire.",
    "null": "Ce champ est obligatoire.",
}
ENTIER_MESSAGES = {
    "invalid": "Un nombre entier est attendu.",
    "required": "Ce champ est obligatoire.",
    "null": "Ce champ est obligatoire.",
}


def _montant(**kwargs):
    return serializers.DecimalField(**MONTANT, error_messages=MONTANT_MESSAGES, **kwargs)


def _entier(**kwargs):
    return serializers.IntegerField(error_messages=ENTIER_MESSAGES, **kwargs)


class BailleurField(ScopedPrimaryKeyRelatedField):
    """A social landlord of the directory."""

    def __init__(self, **kwargs):
        super().__init__(Organisation, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(kind=OrganisationKind.BAILLEUR)


# Serializers -----------------------------------------------------------------------------


class AxeTFPBSerializer(serializers.ModelSerializer):
    class Meta:
        model = AxeTFPB
        fields = ["id", "code", "libelle", "description", "version", "ordre"]


class PatrimoineTFPBSerializer(serializers.ModelSerializer):
    quartier = _entier(source="quartier_id")
    quartier_nom = serializers.CharField(source="quartier.nom", read_only=True)
    nb_logements = _entier(min_value=0)

    class Meta:
        model = PatrimoineTFPB
        fields = ["quartier", "quartier_nom", "nb_logements"]


class ConventionTFPBSerializer(serializers.ModelSerializer):
    contrat = ScopedPrimaryKeyRelatedField(Contrat)
    bailleur = BailleurField()
    bailleur_nom = serializers.CharField(source="bailleur.nom", read_only=True)
    annee_debut = _entier()
    annee_fin = _entier()
    patrimoine = PatrimoineTFPBSerializer(
        many=True,
        required=False,
        help_text="Les logements du bailleur par quartier ; à l'écriture, remplace le patrimoine "
        "(un quartier absent n'en compte plus).",
    )

    class Meta:
        model = ConventionTFPB
        fields = [
            "id",
            "contrat",
            "bailleur",
            "bailleur_nom",
            "annee_debut",
            "annee_fin",
            "date_signature",
            "commentaire",
            "patrimoine",
        ]


class AbattementTFPBSerializer(serializers.ModelSerializer):
    convention = ScopedPrimaryKeyRelatedField(ConventionTFPB)
    quartier = _entier(source="quartier_id")
    quartier_nom = serializers.CharField(source="quartier.nom", read_only=True)
    annee = _entier()
    montant = _montant()

    class Meta:
        model = AbattementTFPB
        fields = ["id", "convention", "quartier", "quartier_nom", "annee", "montant"]
        validators = []


class ActionTFPBSerializer(serializers.ModelSerializer):
    convention = ScopedPrimaryKeyRelatedField(ConventionTFPB)
    bailleur_nom = serializers.CharField(source="convention.bailleur.nom", read_only=True)
    quartier = _entier(source="quartier_id")
    quartier_nom = serializers.CharField(source="quartier.nom", read_only=True)
    annee = _entier()
    axe = ScopedPrimaryKeyRelatedField(AxeTFPB)
    axe_libelle = serializers.CharField(source="axe.libelle", read_only=True)
    montant_prevu = _montant()
    montant_realise = _montant(
        required=False,
        allow_null=True,
        help_text="Vide tant qu'il n'est pas connu : l'action compte alors 0 € réalisé.",
    )
    cofinancement = _montant(required=False)
    diagnostic = ScopedPrimaryKeyRelatedField(Diagnostic, required=False, allow_null=True)
    realise_renseigne = serializers.SerializerMethodField()

    class Meta:
        model = ActionTFPB
        fields = [
            "id",
            "convention",
            "bailleur_nom",
            "quartier",
            "quartier_nom",
            "annee",
            "axe",
            "axe_libelle",
            "intitule",
            "description",
            "residence",
            "montant_prevu",
            "montant_realise",
            "realise_renseigne",
            "cofinancement",
            "diagnostic",
        ]
        extra_kwargs = {
            "intitule": {"error_messages": {"required": "Indiquez l'intitulé."}},
        }

    def get_realise_renseigne(self, action) -> bool:
        return action.montant_realise is not None


# Viewsets ---------------------------------------------------------------------------------


class TFPBViewSet(ProgrammationViewSet):
    read_rule = staticmethod(perms_tfpb.can_view_tfpb)

    def filtre_entier(self, queryset, name, path):
        """?<name>=<integer> filters; anything else is refused in French."""
        value = self.request.query_params.get(name)
        if value in (None, ""):
            return queryset
        if not value.isdigit():
            raise exceptions.ValidationError({name: "Un nombre entier est attendu."})
        return queryset.filter(**{path: int(value)})


class AxeTFPBViewSet(TFPBViewSet):
    """Les 8 axes du cadre national d'utilisation de l'abattement TFPB (2015, avenant 2021)."""

    model = AxeTFPB
    serializer_class = AxeTFPBSerializer
    read_rule = None


class WriteViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, TFPBViewSet
):
    """Writes through the services (their refusals as 403/400 in French)."""


class ConventionTFPBViewSet(WriteViewSet):
    """Les conventions d'abattement TFPB que vous voyez, avec leur patrimoine par quartier ;
    la coordination GUP du contrat les crée et les modifie."""

    model = ConventionTFPB
    serializer_class = ConventionTFPBSerializer
    select = ["bailleur"]

    def get_queryset(self):
        queryset = self.filtre_entier(super().get_queryset(), "contrat", "contrat_id")
        patrimoine = PatrimoineTFPB.objects.for_user(self.request.user).select_related("quartier")
        queryset = queryset.prefetch_related(Prefetch("patrimoine", queryset=patrimoine))
        return queryset.order_by("bailleur__nom", "annee_debut", "pk")

    def _save(self, serializer, convention=None):
        data = dict(serializer.validated_data)
        patrimoine = data.pop("patrimoine", None)
        contrat = data.pop("contrat")
        if convention is not None and contrat.pk != convention.contrat_id:
            raise exceptions.ValidationError(
                {"contrat": "Une convention ne change pas de contrat."}
            )
        # The convention and its dwellings are written together, or not at all.
        with transaction.atomic(), service_errors():
            convention = services_tfpb.convention_save(
                user=self.request.user, contrat=contrat, convention=convention, **data
            )
            if patrimoine is not None:
                self._save_patrimoine(convention, patrimoine)
        serializer.instance = self.get_queryset().filter(pk=convention.pk).first() or convention

    def _save_patrimoine(self, convention, lignes):
        quartiers = {
            q.pk: q
            for q in Quartier.objects.for_user(self.request.user).filter(
                contrat_id=convention.contrat_id
            )
        }
        logements = {q: None for q in quartiers.values()}
        for ligne in lignes:
            quartier = quartiers.get(ligne["quartier_id"])
            if quartier is None:
                raise exceptions.ValidationError(
                    {
                        "patrimoine": f"Le quartier n°{ligne['quartier_id']} n'appartient pas "
                        "au contrat de la convention."
                    }
                )
            logements[quartier] = ligne["nb_logements"]
        try:
            services_tfpb.patrimoine_save(
                user=self.request.user, convention=convention, logements=logements
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(
                {"patrimoine": [m for ms in exc.message_dict.values() for m in ms]}
            ) from exc

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        if "contrat" not in serializer.validated_data:
            serializer.validated_data["contrat"] = serializer.instance.contrat
        for name in ("bailleur", "annee_debut", "annee_fin", "date_signature", "commentaire"):
            serializer.validated_data.setdefault(name, getattr(serializer.instance, name))
        self._save(serializer, serializer.instance)

    # No DELETE at all, so the schema does not offer one; the refusal keeps its French reason.
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def http_method_not_allowed(self, request, *args, **kwargs):
        if request.method == "DELETE":
            raise exceptions.MethodNotAllowed(
                "DELETE", detail="Une convention ne se supprime pas depuis l'API."
            )
        return super().http_method_not_allowed(request, *args, **kwargs)


class AbattementTFPBViewSet(WriteViewSet):
    """Les abattements annuels par quartier des conventions que vous voyez (?convention=,
    ?annee=) ; la coordination GUP du contrat et le bailleur les saisissent."""

    model = AbattementTFPB
    serializer_class = AbattementTFPBSerializer
    select = ["quartier"]

    def get_queryset(self):
        queryset = self.filtre_entier(super().get_queryset(), "convention", "convention_id")
        queryset = self.filtre_entier(queryset, "annee", "annee")
        return queryset.order_by("convention_id", "annee", "quartier__nom", "pk")

    def _save(self, serializer, abattement=None):
        data = {
            name: serializer.validated_data.get(name, getattr(abattement, name, None))
            for name in ("convention", "quartier_id", "annee", "montant")
        }
        with service_errors():
            serializer.instance = services_tfpb.abattement_save(
                user=self.request.user, abattement=abattement, **data
            )

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    def perform_destroy(self, instance):
        with service_errors():
            services_tfpb.abattement_delete(user=self.request.user, abattement=instance)


class ActionTFPBViewSet(WriteViewSet):
    """Les actions valorisées des conventions que vous voyez (?convention=, ?annee=, ?axe=) ;
    la coordination GUP du contrat et le bailleur les saisissent."""

    model = ActionTFPB
    serializer_class = ActionTFPBSerializer
    select = ["convention__bailleur", "quartier", "axe"]

    def get_queryset(self):
        queryset = self.filtre_entier(super().get_queryset(), "convention", "convention_id")
        queryset = self.filtre_entier(queryset, "annee", "annee")
        queryset = self.filtre_entier(queryset, "axe", "axe_id")
        return queryset.order_by("convention_id", "annee", "axe__ordre", "intitule", "pk")

    def _save(self, serializer, action=None):
        data = dict(serializer.validated_data)
        convention = data.pop("convention", None) or action.convention
        if action is not None:
            for name in services_tfpb.CHAMPS_ACTION:
                data.setdefault(name, getattr(action, name))
        with service_errors():
            serializer.instance = services_tfpb.action_save(
                user=self.request.user, convention=convention, action=action, **data
            )

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    def perform_destroy(self, instance):
        with service_errors():
            services_tfpb.action_delete(user=self.request.user, action=instance)


# The bilan --------------------------------------------------------------------------------


def _texte(value):
    return None if value is None else f"{value:.2f}"


def _points(value):
    return None if value is None else f"{value:.1f}"


def _ligne(ligne):
    return {
        "libelle": ligne.libelle,
        "abattement": _texte(ligne.abattement),
        "prevu": _texte(ligne.prevu),
        "realise": _texte(ligne.realise),
        "ratio": _points(ligne.ratio),
        "nb_actions": ligne.nb_actions,
        "non_renseignes": ligne.non_renseignes,
        "axes": [
            {
                "axe": part.axe.code,
                "prevu": _texte(part.prevu),
                "realise": _texte(part.realise),
                "part": _points(part.part),
            }
            for part in ligne.axes
        ],
    }


class BilanView(LoginNotRequiredMixin, APIView):
    """Le bilan annuel de l'abattement TFPB (?annee=, par défaut la dernière année saisie),
    le même que la page : par bailleur et par quartier, l'abattement, les montants prévus et
    réalisés, le taux de réalisation (en points) et la répartition du réalisé par axe ; par
    année, l'abattement et le réalisé. Montants en euros (chaînes), taux en points."""

    permission_classes = [IsAuthenticated, CanReadRole]
    read_rule = staticmethod(perms_tfpb.can_view_tfpb)

    @extend_schema(responses={200: dict})
    def get(self, request):
        annee = request.query_params.get("annee", "")
        if annee and not annee.isdigit():
            raise exceptions.ValidationError({"annee": "Indiquez une année, par exemple 2025."})
        bilan = selectors_tfpb.bilan_tfpb(
            user=request.user, contrat=contrat_courant(request), annee=int(annee) if annee else None
        )
        return Response(
            {
                "annee": bilan.annee,
                "annees": bilan.annees,
                "axes": [{"code": a.code, "libelle": a.libelle} for a in bilan.axes],
                "par_bailleur": [_ligne(ligne) for ligne in bilan.par_bailleur],
                "par_quartier": [_ligne(ligne) for ligne in bilan.par_quartier],
                "total": _ligne(bilan.total),
                "evolution": [
                    {
                        "annee": e.annee,
                        "abattement": _texte(e.abattement),
                        "realise": _texte(e.realise),
                        "ratio": _points(e.ratio),
                    }
                    for e in bilan.evolution
                ],
            }
        )


routes = [
    ("tfpb/axes", AxeTFPBViewSet, "tfpb-axe"),
    ("tfpb/conventions", ConventionTFPBViewSet, "tfpb-convention"),
    ("tfpb/abattements", AbattementTFPBViewSet, "tfpb-abattement"),
    ("tfpb/actions", ActionTFPBViewSet, "tfpb-action"),
]
urlpatterns = [path("tfpb/bilan/", BilanView.as_view(), name="api-gup-tfpb-bilan")]
