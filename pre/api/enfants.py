"""PRE API: the children, with their guardians and referrals, for the PRE's staff only
(EPS members read their agendas' children through the pages, not the API). `routes`:
(prefix, viewset, basename) for the router; `urlpatterns`: any other route.

Reads start from `Enfant.objects.for_user(user)`, narrowed to the contracts the user works in as
PRE staff; erased families are left out. Every child sent is written to the log of reads
("API enfant"). Names and birth dates are encrypted at rest: no filtering or sorting on them
here, the list comes by record number.
"""

from django.db.models import Prefetch
from rest_framework import serializers
from rest_framework.response import Response

from pre import perms
from pre.models import Enfant, Reperage, ResponsableLegal, contrats_pre
from pre.services_journal import journaliser, journaliser_plusieurs
from programmation.api.base import ProgrammationViewSet
from programmation.api.serializers import choice_label


class ResponsableSerializer(serializers.ModelSerializer):
    lien_libelle = choice_label("lien")

    class Meta:
        model = ResponsableLegal
        fields = [
            "id",
            "lien",
            "lien_libelle",
            "nom",
            "prenom",
            "telephone",
            "email",
            "adresse",
            "quotient_familial",
        ]


class ReperageSerializer(serializers.ModelSerializer):
    reperant_libelle = choice_label("reperant")
    organisation_nom = serializers.CharField(
        source="organisation.nom", read_only=True, default=None
    )

    class Meta:
        model = Reperage
        fields = [
            "id",
            "date",
            "reperant",
            "reperant_libelle",
            "organisation",
            "organisation_nom",
            "motifs",
            "commentaire",
        ]


class EnfantSerializer(serializers.ModelSerializer):
    sexe_libelle = choice_label("sexe")
    niveau_libelle = choice_label("niveau")
    quartier_nom = serializers.CharField(source="quartier.nom", read_only=True, default=None)
    etablissement_nom = serializers.CharField(
        source="etablissement.nom", read_only=True, default=None
    )
    responsables = ResponsableSerializer(many=True, read_only=True)
    reperages = ReperageSerializer(many=True, read_only=True)

    class Meta:
        model = Enfant
        fields = [
            "id",
            "contrat",
            "nom",
            "prenom",
            "date_naissance",
            "annee_naissance",
            "sexe",
            "sexe_libelle",
            "quartier",
            "quartier_nom",
            "etablissement",
            "etablissement_nom",
            "niveau",
            "niveau_libelle",
            "version",
            "responsables",
            "reperages",
        ]


class EnfantViewSet(ProgrammationViewSet):
    """Les enfants suivis par le PRE des contrats où vous travaillez comme équipe du PRE,
    avec leurs responsables légaux et leurs repérages. Chaque lecture est inscrite au
    journal des accès."""

    model = Enfant
    serializer_class = EnfantSerializer
    read_rule = staticmethod(perms.has_pre_staff_role)
    filterset_fields = ["contrat", "quartier", "sexe"]

    def get_queryset(self):
        user = self.request.user
        return (
            Enfant.objects.for_user(user)
            .filter(contrat__in=contrats_pre(user), anonymise_le__isnull=True)
            .select_related("quartier", "etablissement")
            .prefetch_related(
                Prefetch(
                    "responsables",
                    queryset=ResponsableLegal.objects.for_user(user).order_by("id"),
                ),
                Prefetch(
                    "reperages",
                    queryset=Reperage.objects.for_user(user)
                    .select_related("organisation")
                    .order_by("-date", "-id"),
                ),
            )
            .order_by("pk")
        )

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        enfants = list(page if page is not None else queryset)
        journaliser_plusieurs(user=request.user, enfants=enfants, objet="API enfant")
        data = self.get_serializer(enfants, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        journaliser(user=request.user, enfant=self.enfant_lu, objet="API enfant")
        return response

    def get_object(self):
        self.enfant_lu = super().get_object()
        return self.enfant_lu


routes = [("enfants", EnfantViewSet, "pre-enfant")]
urlpatterns = []
