"""GUP API: chantiers. `routes`: (prefix, viewset, basename) for the router; `urlpatterns`:
any other route.

The chantiers tremplin: list with filters and detail for the GUP's readers, create and
update for the same people as the pages (perms_chantiers, through the same service), and
the counts per quartier and year (`chantiers/bilan/`) through the same selector."""

from decimal import Decimal

import django_filters as filters
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from cdv.api import ScopedPrimaryKeyRelatedField, ScopedViewSet
from cdv.filters import scoped
from cdv.models import Contrat, Organisation
from gup import perms_chantiers, selectors_chantiers, services_chantiers
from gup.models import ChantierTremplin, Diagnostic, FinancementChantier, Signalement
from programmation.api.base import service_errors
from quartiers.models import Quartier

NOT_FOUND = "Cet élément n'existe pas ou ne vous est pas accessible."
FINANCEUR_INCONNU = "Le financeur n°{} n'existe pas ou ne vous est pas accessible."


class FinancementChantierSerializer(serializers.Serializer):
    financeur = serializers.IntegerField(help_text="Identifiant de l'organisation financeuse.")
    financeur_nom = serializers.CharField(read_only=True)
    montant = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        error_messages={"min_value": services_chantiers.MONTANT_NEGATIF},
    )

    def to_representation(self, financement):
        return {
            "financeur": financement.financeur_id,
            "financeur_nom": financement.financeur.nom,
            "montant": serializers.DecimalField(max_digits=12, decimal_places=2).to_representation(
                financement.montant
            )
            if financement.montant is not None
            else None,
        }


class ChantierSerializer(serializers.ModelSerializer):
    quartier = ScopedPrimaryKeyRelatedField(Quartier)
    quartier_nom = serializers.CharField(source="quartier.nom", read_only=True)
    operateur = ScopedPrimaryKeyRelatedField(Organisation)
    operateur_nom = serializers.CharField(source="operateur.nom", read_only=True)
    diagnostic = ScopedPrimaryKeyRelatedField(Diagnostic, required=False, allow_null=True)
    signalements = ScopedPrimaryKeyRelatedField(Signalement, many=True, required=False)
    financements = FinancementChantierSerializer(many=True, required=False)

    class Meta:
        model = ChantierTremplin
        fields = [
            "id",
            "quartier",
            "quartier_nom",
            "annee",
            "intitule",
            "operateur",
            "operateur_nom",
            "date_debut",
            "date_fin",
            "diagnostic",
            "signalements",
            *selectors_chantiers.SOMMES,
            "commentaire",
            "financements",
        ]
        validators = []

    def validate(self, attrs):
        attrs = super().validate(attrs)
        lignes = attrs.get("financements")
        if lignes is None:
            return attrs
        quartier = attrs.get("quartier") or getattr(self.instance, "quartier", None)
        possibles = {
            organisation.pk: organisation
            for organisation in selectors_chantiers.financeurs_possibles(
                self.context["request"].user,
                contrat=quartier.contrat if quartier else None,
                chantier=self.instance,
            )
        }
        inconnus = [ligne["financeur"] for ligne in lignes if ligne["financeur"] not in possibles]
        if inconnus:
            raise serializers.ValidationError(
                {"financements": [FINANCEUR_INCONNU.format(pk) for pk in inconnus]}
            )
        attrs["financements"] = [
            {"financeur": possibles[ligne["financeur"]], "montant": ligne.get("montant")}
            for ligne in lignes
        ]
        return attrs

    def _save(self, chantier, validated_data):
        signalements = validated_data.pop("signalements", None)
        financements = validated_data.pop("financements", None)
        for name, value in validated_data.items():
            setattr(chantier, name, value)
        with service_errors():
            return services_chantiers.chantier_save(
                chantier=chantier,
                user=self.context["request"].user,
                signalements=signalements,
                financements=financements,
            )

    def create(self, validated_data):
        return self._save(ChantierTremplin(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


class ChantierFilter(filters.FilterSet):
    contrat = filters.ModelChoiceFilter(
        field_name="quartier__contrat", queryset=scoped(Contrat), label="contrat"
    )
    quartier = filters.ModelChoiceFilter(queryset=scoped(Quartier), label="quartier")
    annee = filters.NumberFilter(field_name="annee", label="année")
    operateur = filters.ModelChoiceFilter(queryset=scoped(Organisation), label="opérateur")

    class Meta:
        model = ChantierTremplin
        fields = ["contrat", "quartier", "annee", "operateur"]


class ChantierViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedViewSet):
    """Les chantiers tremplin que vous suivez : participants, sorties et financeurs. La
    coordination GUP du contrat et l'opérateur du chantier les saisissent et les modifient."""

    model = ChantierTremplin
    serializer_class = ChantierSerializer
    filterset_class = ChantierFilter
    read_rule = staticmethod(perms_chantiers.can_view_chantiers)
    select = ["quartier", "operateur"]

    def get_queryset(self):
        user = self.request.user
        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch(
                    "financements",
                    queryset=FinancementChantier.objects.for_user(user).select_related("financeur"),
                ),
                Prefetch(
                    "signalements",
                    queryset=Signalement.objects.for_user(user).only("pk"),
                ),
            )
        )

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise exceptions.NotFound(NOT_FOUND) from None

    def create(self, request, *args, **kwargs):
        if not perms_chantiers.can_create_chantier(request.user):
            raise exceptions.PermissionDenied(services_chantiers.REFUSE)
        return super().create(request, *args, **kwargs)

    def update(self, request, *args, **kwargs):
        # The site as it stands must be the user's to change; the service checks the result.
        if not perms_chantiers.can_edit_chantier(request.user, self.get_object()):
            raise exceptions.PermissionDenied(services_chantiers.REFUSE)
        return super().update(request, *args, **kwargs)

    @extend_schema(
        responses=inline_serializer(
            "BilanChantiers",
            {
                "lignes": serializers.ListField(child=serializers.DictField()),
                "total": serializers.DictField(),
            },
        )
    )
    @action(detail=False, methods=["get"], url_path="bilan", url_name="bilan")
    def bilan(self, request):
        """Par quartier et par année : chantiers, participants, femmes, hommes, habitants des
        QPV et chaque sortie, avec les totaux (mêmes filtres que la liste)."""
        queryset = self.filter_queryset(ChantierTremplin.objects.for_user(request.user))
        bilan = selectors_chantiers.chantiers_bilan(queryset)
        return Response(
            {
                "lignes": [
                    {
                        "quartier": ligne["quartier_id"],
                        "quartier_nom": ligne["quartier_nom"],
                        "annee": ligne["annee"],
                        **{key: ligne[key] for key, _ in selectors_chantiers.COLONNES},
                    }
                    for ligne in bilan["lignes"]
                ],
                "total": bilan["total"],
            }
        )


routes = [("chantiers", ChantierViewSet, "gup-chantier")]
urlpatterns = []
