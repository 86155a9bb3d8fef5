"""CitésLab API: the beneficiaries (with their projects, dated stages, referrals and
creation) and the meetings, for the CitésLab staff of their contract only. Meetings may also
be recorded (POST), through citeslab.services.

Reads start from `Model.objects.for_user(user)`, which gives nothing to anyone but the
contract's CitésLab staff. Names are encrypted at rest: no filtering or sorting on them
here, lists come by record number.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from citeslab import perms, services
from citeslab.models import (
    Beneficiaire,
    Creation,
    EtapeProjet,
    Orientation,
    ProjetCreation,
    Rencontre,
    contrats_citeslab,
)
from programmation.api.base import ProgrammationViewSet, service_errors
from programmation.api.serializers import choice_label


class EtapeProjetSerializer(serializers.ModelSerializer):
    etape_libelle = choice_label("etape")

    class Meta:
        model = EtapeProjet
        fields = ["etape_precedente", "etape", "etape_libelle", "date"]


class OrientationSerializer(serializers.ModelSerializer):
    partenaire_libelle = choice_label("partenaire")
    issue_libelle = choice_label("issue")

    class Meta:
        model = Orientation
        fields = [
            "id",
            "partenaire",
            "partenaire_libelle",
            "organisme",
            "date",
            "issue",
            "issue_libelle",
            "date_issue",
            "commentaire",
        ]


class CreationSerializer(serializers.ModelSerializer):
    forme_juridique_libelle = choice_label("forme_juridique")

    class Meta:
        model = Creation
        fields = [
            "id",
            "date",
            "forme_juridique",
            "forme_juridique_libelle",
            "secteur",
            "denomination",
            "siret",
            "active_1_an",
            "active_3_ans",
        ]


class ProjetSerializer(serializers.ModelSerializer):
    etape_libelle = choice_label("etape")
    secteur_libelle = choice_label("secteur")
    historique = EtapeProjetSerializer(many=True, read_only=True)
    orientations = OrientationSerializer(many=True, read_only=True)
    creation = serializers.SerializerMethodField()

    class Meta:
        model = ProjetCreation
        fields = [
            "id",
            "idee",
            "secteur",
            "secteur_libelle",
            "etape",
            "etape_libelle",
            "date_etape",
            "historique",
            "orientations",
            "creation",
        ]

    @extend_schema_field(CreationSerializer(allow_null=True))
    def get_creation(self, projet):
        creation = getattr(projet, "creation", None)
        return CreationSerializer(creation).data if creation is not None else None


class BeneficiaireSerializer(serializers.ModelSerializer):
    sexe_libelle = choice_label("sexe")
    statut_emploi_libelle = choice_label("statut_emploi")
    canal_entree_libelle = choice_label("canal_entree")
    quartier_nom = serializers.CharField(source="quartier.nom", read_only=True, default=None)
    projets = ProjetSerializer(many=True, read_only=True)

    class Meta:
        model = Beneficiaire
        fields = [
            "id",
            "contrat",
            "nom",
            "prenom",
            "telephone",
            "email",
            "sexe",
            "sexe_libelle",
            "annee_naissance",
            "commune",
            "quartier",
            "quartier_nom",
            "statut_emploi",
            "statut_emploi_libelle",
            "niveau_formation",
            "canal_entree",
            "canal_entree_libelle",
            "date_premier_contact",
            "consentement",
            "date_consentement",
            "projets",
        ]


class BeneficiaireViewSet(ProgrammationViewSet):
    """Les bénéficiaires de CitésLab des contrats où vous êtes chargé CitésLab, avec leurs
    projets, l'historique daté de leurs étapes, leurs orientations et leur création."""

    model = Beneficiaire
    serializer_class = BeneficiaireSerializer
    read_rule = staticmethod(perms.is_citeslab_staff)
    filterset_fields = ["contrat", "quartier", "sexe", "canal_entree"]

    def get_queryset(self):
        user = self.request.user
        projets = (
            ProjetCreation.objects.for_user(user)
            .select_related("creation")
            .prefetch_related(
                Prefetch(
                    "historique", queryset=EtapeProjet.objects.for_user(user).order_by("date", "id")
                ),
                Prefetch(
                    "orientations",
                    queryset=Orientation.objects.for_user(user).order_by("-date", "-id"),
                ),
            )
            .order_by("id")
        )
        return (
            Beneficiaire.objects.for_user(user)
            .select_related("quartier")
            .prefetch_related(Prefetch("projets", queryset=projets))
            .order_by("pk")
        )


class RencontreSerializer(serializers.ModelSerializer):
    kind_libelle = choice_label("kind")
    quartier_nom = serializers.CharField(source="quartier.nom", read_only=True, default=None)
    beneficiaires = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Beneficiaire.objects.none()
    )
    contrat = serializers.PrimaryKeyRelatedField(queryset=Beneficiaire.objects.none())

    class Meta:
        model = Rencontre
        fields = [
            "id",
            "contrat",
            "date",
            "kind",
            "kind_libelle",
            "duree_minutes",
            "lieu",
            "quartier",
            "quartier_nom",
            "notes",
            "beneficiaires",
        ]
        # The service validates (model rules, participants) and answers in French.
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = request.user if request else None
        self.fields["contrat"].queryset = contrats_citeslab(user)
        self.fields["beneficiaires"].child_relation.queryset = Beneficiaire.objects.for_user(user)


class RencontreViewSet(mixins.CreateModelMixin, ProgrammationViewSet):
    """Les rencontres de CitésLab (entretiens, informations collectives, permanences…) des
    contrats où vous êtes chargé CitésLab ; POST enregistre une rencontre."""

    model = Rencontre
    serializer_class = RencontreSerializer
    read_rule = staticmethod(perms.is_citeslab_staff)
    filterset_fields = ["contrat", "kind", "quartier", "date"]

    def get_queryset(self):
        user = self.request.user
        return (
            Rencontre.objects.for_user(user)
            .select_related("quartier")
            .prefetch_related(
                Prefetch("beneficiaires", queryset=Beneficiaire.objects.for_user(user))
            )
            .order_by("-date", "-pk")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        contrat = data.pop("contrat")
        beneficiaires = data.pop("beneficiaires")
        with service_errors():
            rencontre = services.rencontre_creer(
                contrat=contrat, auteur=request.user, beneficiaires=beneficiaires, **data
            )
        rencontre = self.get_queryset().get(pk=rencontre.pk)
        return Response(self.get_serializer(rencontre).data, status=status.HTTP_201_CREATED)


routes = [
    ("beneficiaires", BeneficiaireViewSet, "citeslab-beneficiaire"),
    ("rencontres", RencontreViewSet, "citeslab-rencontre"),
]
urlpatterns = []
