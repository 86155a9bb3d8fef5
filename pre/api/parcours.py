"""PRE API: the pathways of the contracts whose PRE the user works in, with their actions.
PRE staff only (an EPS member, the PDV team, partners, superusers get 403). The child is
given by its number, never its name, so reads are not written in the log of accesses."""

from django.db.models import Prefetch
from rest_framework import serializers

from pre import perms
from pre.models import ActionParcours, Parcours, contrats_pre
from programmation.api.base import ProgrammationViewSet


class ActionParcoursSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionParcours
        fields = [
            "id",
            "axe",
            "intitule",
            "prestataire",
            "date",
            "cout",
            "part_famille",
            "part_pre",
        ]


class ParcoursSerializer(serializers.ModelSerializer):
    enfant = serializers.IntegerField(source="enfant_id", help_text="Numéro de l'enfant.")
    contrat = serializers.IntegerField(source="enfant.contrat_id")
    actions = ActionParcoursSerializer(many=True, read_only=True)

    class Meta:
        model = Parcours
        fields = [
            "id", "enfant", "contrat", "etat", "date_inscription", "date_entree", "referent",
            "axes", "adhesion", "date_sortie", "motif_sortie", "version", "actions",
        ]  # fmt: skip


class ParcoursViewSet(ProgrammationViewSet):
    """Les parcours individuels du PRE de vos contrats, avec leurs actions (équipe du PRE)."""

    model = Parcours
    serializer_class = ParcoursSerializer
    read_rule = staticmethod(perms.has_pre_staff_role)

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(enfant__contrat__in=contrats_pre(self.request.user))
            .select_related("enfant")
            .prefetch_related(
                Prefetch(
                    "actions",
                    queryset=ActionParcours.objects.for_user(self.request.user).order_by(
                        "date", "id"
                    ),
                )
            )
            .order_by("pk")
        )


routes = [("parcours", ParcoursViewSet, "pre-parcours")]
urlpatterns = []
