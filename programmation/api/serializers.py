"""What the programmation API answers: calls, actions (compact in lists, whole in details),
conventions with their payments, bilans. Read-only serializers over scoped querysets; the
inputs of the writes live next to their views (actions.py)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cdv.api import OrganisationRefSerializer
from cdv.models import AxeTransversal, Objectif, Pilier, ThematiqueANCT
from programmation.enums import COMPTES, TRANSITIONS
from programmation.models import (
    Action,
    ActionQuartier,
    AppelAProjets,
    Avis,
    Bilan,
    BilanQuartier,
    Convention,
    Enveloppe,
    Financement,
    Indicateur,
    LigneBudget,
    MontantAnnuel,
    Priorite,
    TransitionAction,
    Versement,
)
from quartiers.models import Quartier


def money(**kwargs):
    """An amount in euros, as a decimal string ("1500.00")."""
    return serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, **kwargs)


def choice_label(source):
    """The French label of a choice field (`get_<field>_display`)."""
    return serializers.CharField(source=f"get_{source}_display", read_only=True)


def display_name(user):
    """How the pages name a person: full name, else e-mail address."""
    return user.get_full_name() or user.email


# References ---------------------------------------------------------------------------------


class PilierRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Pilier
        fields = ["id", "nom"]


class ObjectifRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objectif
        fields = ["id", "intitule"]


class AxeRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = AxeTransversal
        fields = ["id", "nom"]


class ThematiqueRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ThematiqueANCT
        fields = ["id", "code", "libelle"]


class QuartierRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Quartier
        fields = ["id", "code", "nom"]


# Calls for projects -------------------------------------------------------------------------


class PrioriteSerializer(serializers.ModelSerializer):
    pilier = PilierRefSerializer(read_only=True)
    objectifs = ObjectifRefSerializer(many=True, read_only=True)

    class Meta:
        model = Priorite
        fields = ["id", "pilier", "texte", "objectifs"]


class EnveloppeSerializer(serializers.ModelSerializer):
    financeur = OrganisationRefSerializer(read_only=True)

    class Meta:
        model = Enveloppe
        fields = ["id", "financeur", "montant"]


class CalendrierSerializer(serializers.ModelSerializer):
    class Meta:
        model = AppelAProjets
        fields = [
            "date_ouverture",
            "date_cloture",
            "date_limite_instruction",
            "date_comite",
            "date_limite_bilan",
        ]


class AppelSerializer(serializers.ModelSerializer):
    contrat = serializers.IntegerField(source="contrat_id", read_only=True)
    etat_libelle = choice_label("etat")
    calendrier = CalendrierSerializer(source="*", read_only=True)
    priorites = PrioriteSerializer(many=True, read_only=True)
    enveloppes = EnveloppeSerializer(many=True, read_only=True)

    class Meta:
        model = AppelAProjets
        fields = [
            "id",
            "contrat",
            "annee",
            "titre",
            "etat",
            "etat_libelle",
            "note_de_cadrage",
            "calendrier",
            "seuil_demande_simplifiee",
            "seuil_ecart_bilan",
            "priorites",
            "enveloppes",
        ]


# Actions ------------------------------------------------------------------------------------


class ActionListSerializer(serializers.ModelSerializer):
    """One row of the programming table."""

    annee = serializers.IntegerField(source="appel.annee", read_only=True)
    appel = serializers.IntegerField(source="appel_id", read_only=True)
    contrat = serializers.IntegerField(source="appel.contrat_id", read_only=True)
    porteur = OrganisationRefSerializer(read_only=True)
    pilier = PilierRefSerializer(read_only=True, allow_null=True)
    etat_libelle = choice_label("etat")
    montant_demande = money(help_text="Total demandé à tous les financeurs.")
    montant_accorde = money(help_text="Total accordé par tous les financeurs.")
    montant_verse = money(help_text="Total versé au porteur, toutes conventions confondues.")

    class Meta:
        model = Action
        fields = [
            "id",
            "intitule",
            "annee",
            "appel",
            "contrat",
            "porteur",
            "pilier",
            "etat",
            "etat_libelle",
            "est_reconduction",
            "deposee_le",
            "montant_demande",
            "montant_accorde",
            "montant_verse",
        ]


class ActionQuartierSerializer(serializers.ModelSerializer):
    quartier = QuartierRefSerializer(read_only=True)

    class Meta:
        model = ActionQuartier
        fields = ["quartier", "part"]


class IndicateurSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicateur
        fields = ["id", "libelle", "cible", "realise"]


class FinancementSerializer(serializers.ModelSerializer):
    financeur = OrganisationRefSerializer(read_only=True)
    nature_libelle = choice_label("nature")

    class Meta:
        model = Financement
        fields = [
            "id",
            "financeur",
            "nature",
            "nature_libelle",
            "montant_demande",
            "montant_propose",
            "montant_accorde",
        ]


class LigneBudgetSerializer(serializers.ModelSerializer):
    compte_libelle = choice_label("compte")
    cote = serializers.SerializerMethodField(help_text="« charge » ou « produit ».")
    financeur = OrganisationRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = LigneBudget
        fields = [
            "id",
            "compte",
            "compte_libelle",
            "cote",
            "libelle",
            "financeur",
            "montant_previsionnel",
            "montant_realise",
            "justification_ecart",
        ]

    def get_cote(self, ligne) -> str:
        return str(COMPTES[ligne.compte][0])


class EtapeSerializer(serializers.ModelSerializer):
    """One recorded step of the workflow."""

    libelle = serializers.SerializerMethodField()
    etat_avant_libelle = choice_label("etat_avant")
    etat_apres_libelle = choice_label("etat_apres")
    auteur = serializers.SerializerMethodField()
    auteur_organisation = serializers.CharField(
        source="auteur.organisation.nom", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = TransitionAction
        fields = [
            "code",
            "libelle",
            "etat_avant",
            "etat_avant_libelle",
            "etat_apres",
            "etat_apres_libelle",
            "date",
            "auteur",
            "auteur_organisation",
            "commentaire",
        ]

    def get_libelle(self, etape) -> str:
        transition = TRANSITIONS.get(etape.code)
        return transition.label if transition else etape.code

    def get_auteur(self, etape) -> str:
        return display_name(etape.auteur)


class AvisSerializer(serializers.ModelSerializer):
    financeur = OrganisationRefSerializer(read_only=True)
    sens_libelle = choice_label("sens")
    auteur = serializers.SerializerMethodField()
    annotation_privee = serializers.SerializerMethodField(
        help_text="Réservée aux instructeurs de l'action : vide (null) pour les autres."
    )

    class Meta:
        model = Avis
        fields = [
            "id",
            "financeur",
            "sens",
            "sens_libelle",
            "montant_propose",
            "commentaire",
            "annotation_privee",
            "date",
            "auteur",
        ]

    def get_auteur(self, avis) -> str:
        return display_name(avis.auteur)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_annotation_privee(self, avis):
        # The view decides with perms.can_read_private_annotations, as the page does.
        return avis.annotation_privee if self.context.get("annotations_privees") else None


class EtapePossibleSerializer(serializers.Serializer):
    code = serializers.CharField()
    libelle = serializers.CharField()
    etat_cible = serializers.CharField()
    commentaire_requis = serializers.BooleanField()


class ActionDetailSerializer(ActionListSerializer):
    """The whole application (CERFA 12156), its funding, budget, opinions and history."""

    objectif = ObjectifRefSerializer(read_only=True, allow_null=True)
    axes = AxeRefSerializer(many=True, read_only=True)
    thematique = ThematiqueRefSerializer(read_only=True, allow_null=True)
    reconduction_de = serializers.IntegerField(
        source="reconduction_de_id",
        read_only=True,
        allow_null=True,
        help_text="L'action de l'année précédente que celle-ci reconduit.",
    )
    instructeur = serializers.SerializerMethodField()
    quartiers = ActionQuartierSerializer(many=True, read_only=True)
    indicateurs = IndicateurSerializer(many=True, read_only=True)
    financements = FinancementSerializer(many=True, read_only=True)
    lignes_budget = LigneBudgetSerializer(many=True, read_only=True)
    avis = AvisSerializer(many=True, read_only=True)
    historique = EtapeSerializer(source="transitions", many=True, read_only=True)
    etapes_possibles = EtapePossibleSerializer(
        many=True,
        read_only=True,
        help_text="Les étapes du circuit que vous pouvez franchir maintenant "
        "(POST …/transitions/).",
    )
    peut_modifier = serializers.BooleanField(
        read_only=True, help_text="Vous pouvez modifier la demande (brouillon, à compléter)."
    )
    peut_donner_avis = serializers.BooleanField(
        read_only=True, help_text="Votre organisation peut rendre son avis (POST …/avis/)."
    )

    class Meta(ActionListSerializer.Meta):
        fields = [
            *ActionListSerializer.Meta.fields,
            "description",
            "objectifs_action",
            "objectif",
            "axes",
            "thematique",
            "public_vise",
            "beneficiaires_prevus",
            "part_femmes",
            "part_qpv",
            "tranches_age",
            "date_debut",
            "date_fin",
            "lieux",
            "moyens_humains",
            "reconduction_de",
            "instructeur",
            "montant_a_reverser",
            "cree_le",
            "quartiers",
            "indicateurs",
            "financements",
            "lignes_budget",
            "avis",
            "historique",
            "etapes_possibles",
            "peut_modifier",
            "peut_donner_avis",
            "version",
            "modifiee_le",
        ]
        extra_kwargs = {
            "version": {
                "help_text": "La version du contenu de la demande (aussi dans l'en-tête ETag) : "
                "à renvoyer pour la modifier (PUT, PATCH)."
            },
        }

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_instructeur(self, action):
        return display_name(action.instructeur) if action.instructeur else None


# Conventions and payments -------------------------------------------------------------------


class MontantAnnuelSerializer(serializers.ModelSerializer):
    class Meta:
        model = MontantAnnuel
        fields = ["annee", "montant"]


class VersementSerializer(serializers.ModelSerializer):
    kind_libelle = choice_label("kind")

    class Meta:
        model = Versement
        fields = ["id", "kind", "kind_libelle", "montant", "date", "reference"]


class ConventionSerializer(serializers.ModelSerializer):
    action = serializers.IntegerField(source="action_id", read_only=True)
    action_intitule = serializers.CharField(source="action.intitule", read_only=True)
    annee = serializers.IntegerField(source="action.appel.annee", read_only=True)
    financeur = OrganisationRefSerializer(read_only=True)
    montants_annuels = MontantAnnuelSerializer(
        many=True, read_only=True, help_text="Pour une convention pluriannuelle : chaque année."
    )
    versements = VersementSerializer(many=True, read_only=True)
    montant_verse = money(help_text="Total des versements de la convention.")
    reste_a_verser = money()

    class Meta:
        model = Convention
        fields = [
            "id",
            "action",
            "action_intitule",
            "annee",
            "financeur",
            "numero",
            "date_signature",
            "montant",
            "pluriannuelle",
            "annee_fin",
            "montants_annuels",
            "versements",
            "montant_verse",
            "reste_a_verser",
        ]


# Bilans -------------------------------------------------------------------------------------


class BeneficiairesQuartierSerializer(serializers.ModelSerializer):
    quartier = QuartierRefSerializer(read_only=True)

    class Meta:
        model = BilanQuartier
        fields = ["quartier", "beneficiaires"]


class BilanActionSerializer(serializers.ModelSerializer):
    action = serializers.IntegerField(source="action_id", read_only=True)
    action_intitule = serializers.CharField(source="action.intitule", read_only=True)
    annee = serializers.IntegerField(source="action.appel.annee", read_only=True)
    quartiers = BeneficiairesQuartierSerializer(many=True, read_only=True)
    depose = serializers.SerializerMethodField()

    class Meta:
        model = Bilan
        fields = [
            "id",
            "action",
            "action_intitule",
            "annee",
            "beneficiaires_total",
            "femmes",
            "hommes",
            "tranches_age",
            "part_qpv",
            "quartiers",
            "mise_en_oeuvre",
            "resultats",
            "difficultes",
            "suites",
            "depose",
            "date_depot",
            "modifie_le",
        ]

    def get_depose(self, bilan) -> bool:
        return bilan.date_depot is not None
