"""PRE API: eps. `routes`: (prefix, viewset, basename) for the router; `urlpatterns`:
any other route.

The EPS teams with their members and the commissions, for the same people as the pages:
the PRE's staff of the contract and the members of a team (pre.perms). A commission's
detail gives its agenda — the children's names — and its minutes, and logs each child read.
"""

from django.db.models import Prefetch
from rest_framework import exceptions, serializers

from cdv.api import ScopedViewSet
from cdv.models import User
from pre import perms, services_eps
from pre.models import CommissionEPS, EquipeEPS, SituationCommission
from pre.services_journal import journaliser_plusieurs

NOT_FOUND = "Cet élément n'existe pas ou ne vous est pas accessible."
OBJET_JOURNAL = "API ordre du jour de commission"


class MembreSerializer(serializers.ModelSerializer):
    nom = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "nom"]

    def get_nom(self, user) -> str:
        return user.get_full_name() or user.email


class EquipeSerializer(serializers.ModelSerializer):
    membres = MembreSerializer(many=True, read_only=True)

    class Meta:
        model = EquipeEPS
        fields = ["id", "contrat", "nom", "membres"]


class CommissionSerializer(serializers.ModelSerializer):
    equipe_nom = serializers.CharField(source="equipe.nom", read_only=True)
    nb_situations = serializers.IntegerField(read_only=True)
    nb_decisions = serializers.IntegerField(read_only=True)
    nb_presents = serializers.IntegerField(read_only=True)

    class Meta:
        model = CommissionEPS
        fields = ["id", "equipe", "equipe_nom", "date", "nb_situations", "nb_decisions",
                  "nb_presents"]  # fmt: skip


class SituationSerializer(serializers.ModelSerializer):
    enfant = serializers.IntegerField(source="reperage.enfant_id", read_only=True)
    enfant_prenom = serializers.CharField(source="reperage.enfant.prenom", read_only=True)
    enfant_nom = serializers.CharField(source="reperage.enfant.nom", read_only=True)
    date_reperage = serializers.DateField(source="reperage.date", read_only=True)
    decision_libelle = serializers.CharField(source="get_decision_display", read_only=True)

    class Meta:
        model = SituationCommission
        fields = ["id", "reperage", "enfant", "enfant_prenom", "enfant_nom", "date_reperage",
                  "decision", "decision_libelle", "commentaire"]  # fmt: skip


class CommissionDetailSerializer(CommissionSerializer):
    presents = MembreSerializer(many=True, read_only=True)
    ordre_du_jour = SituationSerializer(many=True, read_only=True, source="ordre")

    class Meta(CommissionSerializer.Meta):
        fields = [*CommissionSerializer.Meta.fields, "presents", "ordre_du_jour", "compte_rendu"]


class EquipeViewSet(ScopedViewSet):
    """Les équipes pluridisciplinaires de soutien que vous voyez et leurs membres."""

    model = EquipeEPS
    serializer_class = EquipeSerializer
    read_rule = staticmethod(perms.can_view_pre)
    prefetch = ["membres"]

    def get_queryset(self):
        return super().get_queryset().order_by("contrat", "nom")


class CommissionViewSet(ScopedViewSet):
    """Les commissions des EPS : toutes celles du contrat pour l'équipe du PRE, celles de
    ses équipes pour un membre d'EPS. Le détail donne l'ordre du jour (les enfants), les
    décisions, les présents et le compte rendu ; chaque enfant lu est inscrit au journal."""

    model = CommissionEPS
    serializer_class = CommissionSerializer
    read_rule = staticmethod(perms.can_view_pre)

    def get_queryset(self):
        return services_eps.commissions_with_list_related_data(super().get_queryset())

    def get_serializer_class(self):
        return CommissionDetailSerializer if self.action == "retrieve" else CommissionSerializer

    def get_object(self):
        user = self.request.user
        queryset = self.get_queryset().prefetch_related(
            "presents",
            Prefetch(
                "situations",
                queryset=SituationCommission.objects.for_user(user)
                .select_related("reperage__enfant")
                .order_by("pk"),
                to_attr="ordre",
            ),
        )
        try:
            commission = queryset.get(pk=self.kwargs["pk"])
        except (CommissionEPS.DoesNotExist, ValueError):
            raise exceptions.NotFound(NOT_FOUND) from None
        journaliser_plusieurs(
            user=user,
            enfants={s.reperage.enfant_id: s.reperage.enfant for s in commission.ordre}.values(),
            objet=OBJET_JOURNAL,
        )
        return commission


routes = [
    ("eps/equipes", EquipeViewSet, "pre-equipe"),
    ("eps/commissions", CommissionViewSet, "pre-commission"),
]
urlpatterns = []
