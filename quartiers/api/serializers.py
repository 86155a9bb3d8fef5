"""What the quartiers' API answers. A secret value comes as `valeur: null, secret: true`,
never as 0."""

from rest_framework import serializers

from quartiers.enums import Tendance
from quartiers.models import Indicateur, Quartier, Territoire, ValeurIndicateur


class TerritoireSerializer(serializers.ModelSerializer):
    kind_libelle = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Territoire
        fields = ["id", "kind", "kind_libelle", "code", "nom", "parent"]


class QuartierSerializer(serializers.ModelSerializer):
    kind_libelle = serializers.CharField(source="get_kind_display", read_only=True)
    remplace = serializers.PrimaryKeyRelatedField(
        many=True,
        read_only=True,
        help_text="Quartiers de la géographie précédente auxquels celui-ci succède.",
    )

    class Meta:
        model = Quartier
        fields = [
            "id",
            "contrat",
            "kind",
            "kind_libelle",
            "code",
            "nom",
            "communes",
            "population",
            "territoire",
            "remplace",
            "perimetre",
            "perimetre_note",
        ]


class IndicateurQuartierSerializer(serializers.ModelSerializer):
    unite_libelle = serializers.CharField(source="get_unite_display", read_only=True)
    theme_libelle = serializers.CharField(source="get_theme_display", read_only=True)
    source_libelle = serializers.CharField(source="get_source_display", read_only=True)

    class Meta:
        model = Indicateur
        fields = [
            "id",
            "code",
            "libelle",
            "unite",
            "unite_libelle",
            "theme",
            "theme_libelle",
            "source",
            "source_libelle",
            "sens",
            "description",
            "ordre",
        ]


class ValeurIndicateurSerializer(serializers.ModelSerializer):
    territoire_kind = serializers.CharField(source="territoire.kind", read_only=True)
    territoire_code = serializers.CharField(source="territoire.code", read_only=True)
    territoire_nom = serializers.CharField(source="territoire.nom", read_only=True)
    indicateur = serializers.CharField(
        source="indicateur.code", read_only=True, help_text="Code de l'indicateur."
    )

    class Meta:
        model = ValeurIndicateur
        fields = [
            "id",
            "territoire",
            "territoire_kind",
            "territoire_code",
            "territoire_nom",
            "indicateur",
            "millesime",
            "valeur",
            "secret",
            "source",
        ]


def _decimal(help_text):
    return serializers.DecimalField(
        max_digits=15, decimal_places=3, allow_null=True, help_text=help_text
    )


class LigneEcartSerializer(serializers.Serializer):
    """One quartier and one indicator of quartiers.ecarts.tableau_ecarts()."""

    quartier = serializers.IntegerField(source="quartier.pk", help_text="Identifiant du quartier.")
    quartier_code = serializers.CharField(source="quartier.code")
    quartier_nom = serializers.CharField(source="quartier.nom")
    indicateur = serializers.CharField(source="indicateur.code", help_text="Code de l'indicateur.")
    indicateur_libelle = serializers.CharField(source="indicateur.libelle")
    theme = serializers.CharField(source="indicateur.theme")
    unite = serializers.CharField(source="indicateur.unite")
    millesime = serializers.IntegerField(
        allow_null=True, help_text="Dernier millésime du quartier ; null s'il n'a aucune valeur."
    )
    valeur = _decimal("Valeur du quartier ; null si secrète ou manquante.")
    secret = serializers.BooleanField(help_text="Valeur du quartier sous secret statistique.")
    reference = _decimal("Valeur de la référence au même millésime.")
    reference_secret = serializers.BooleanField()
    ecart = _decimal("Quartier − référence (points pour un pourcentage) ; null : non calculable.")
    retard = _decimal("L'écart orienté : positif quand il est défavorable au quartier.")
    premier_millesime = serializers.IntegerField(allow_null=True)
    tendance = serializers.ChoiceField(
        choices=Tendance.choices, help_text="Évolution de l'écart depuis le premier millésime."
    )
    tendance_libelle = serializers.CharField()
    geographie_precedente = serializers.BooleanField(
        help_text="Valeur du quartier de la géographie précédente auquel celui-ci succède."
    )


class EcartsSerializer(serializers.Serializer):
    contrat = serializers.IntegerField(source="contrat.pk")
    reference = serializers.CharField(help_text="« commune » ou « epci ».")
    reference_libelle = serializers.CharField()
    lignes = LigneEcartSerializer(many=True)
