"""CitésLab API: the events of the contracts where the user is CitésLab staff, with their
partners and the numbers of the registered beneficiaries (never a name)."""

from django.db.models import Prefetch
from rest_framework import serializers

from citeslab import perms
from citeslab.models import Beneficiaire, Evenement
from programmation.api.base import ProgrammationViewSet
from programmation.api.serializers import choice_label


class PartenaireSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nom = serializers.CharField()
    sigle = serializers.CharField()


class EvenementSerializer(serializers.ModelSerializer):
    kind_libelle = choice_label("kind")
    quartier_nom = serializers.CharField(source="quartier.nom", read_only=True, default=None)
    partenaires = PartenaireSerializer(many=True, read_only=True)
    inscrits = serializers.SerializerMethodField(help_text="Numéros des bénéficiaires inscrits.")

    class Meta:
        model = Evenement
        fields = [
            "id",
            "contrat",
            "kind",
            "kind_libelle",
            "titre",
            "date",
            "lieu",
            "quartier",
            "quartier_nom",
            "partenaires",
            "participants",
            "inscrits",
        ]

    def get_inscrits(self, evenement) -> list[int]:
        return sorted(b.pk for b in evenement.inscrits.all())


class EvenementViewSet(ProgrammationViewSet):
    """Les événements de CitésLab des contrats où vous faites partie de l'équipe CitésLab :
    type, date, lieu, partenaires, nombre de participants et numéros des bénéficiaires
    inscrits (aucun nom)."""

    model = Evenement
    serializer_class = EvenementSerializer
    read_rule = staticmethod(perms.is_citeslab_staff)
    filterset_fields = ["contrat", "kind", "quartier"]

    def get_queryset(self):
        user = self.request.user
        return (
            Evenement.objects.for_user(user)
            .select_related("quartier")
            .prefetch_related(
                "partenaires",
                Prefetch("inscrits", queryset=Beneficiaire.objects.for_user(user).only("id")),
            )
            .order_by("-date", "-id")
        )


routes = [("evenements", EvenementViewSet, "citeslab-evenement")]
urlpatterns = []
