"""Actions (applications): content, quartiers, indicators, funding, budget, opinions, history."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cdv.enums import RoleCode
from cdv.models import (
    AppendOnlyMixin,
    AxeTransversal,
    Contrat,
    Objectif,
    Organisation,
    ParentScopedQuerySet,
    Pilier,
    ThematiqueANCT,
)
from programmation.enums import (
    COMPTE_CHOICES,
    COMPTE_SUBVENTIONS,
    COMPTES,
    EtatAction,
    NatureFinancement,
    SensAvis,
)
from programmation.models.appels import AppelAProjets
from programmation.models.base import CONTRAT_WIDE_ROLES, MONEY, PERCENT, POSITIVE, _anonymous
from quartiers.models import Quartier


def _total_per_action(model, action_path, field):
    """`field` summed over the `model` rows of each action, 0 if none: a subquery, so that
    it combines with other annotations without multiplying rows."""
    total = (
        model.objects.filter(**{action_path: OuterRef("pk")})
        .order_by()
        .values(action_path)
        .annotate(total=Sum(field))
        .values("total")
    )
    money = models.DecimalField(max_digits=14, decimal_places=2)
    return Coalesce(Subquery(total, output_field=money), Value(Decimal("0")), output_field=money)


class ActionQuerySet(models.QuerySet):
    contrat_path = "appel__contrat"

    def for_user(self, user):
        """Porteurs: their organisation's actions. PDV team and readers: their contracts'
        actions once deposited. Instructors: those where their organisation is solicited."""
        if _anonymous(user):
            return self.none()
        if user.is_superuser:
            return self
        scope = Q(pk__in=[])
        contrats = Contrat.objects.for_user(user)
        deposited = ~Q(etat=EtatAction.BROUILLON) & Q(appel__contrat__in=contrats)
        if user.has_role(*CONTRAT_WIDE_ROLES):
            scope |= deposited
        if user.has_role(RoleCode.INSTRUCTEUR_FINANCEUR) and user.organisation_id:
            solicited = Financement.objects.filter(financeur_id=user.organisation_id)
            scope |= deposited & Q(pk__in=solicited.values("action_id"))
        if user.has_role(RoleCode.PORTEUR) and user.organisation_id:
            scope |= Q(porteur_id=user.organisation_id)
        return self.filter(scope)

    def with_financements_total(self, field):
        """Annotate each action with `field` summed over its funding lines (0 if none)."""
        return self.annotate(**{field: _total_per_action(Financement, "action", field)})

    def with_montant_demande(self):
        """`montant_demande`: the total asked from every funder of each action."""
        return self.with_financements_total("montant_demande")

    def with_montant_verse(self):
        """`montant_verse`: everything paid under each action's conventions (0 if nothing)."""
        from programmation.models.suivi import Versement  # suivi.py imports this module

        return self.annotate(
            montant_verse=_total_per_action(Versement, "convention__action", "montant")
        )

    def with_list_related_data(self):
        """What a list of actions shows, in one query."""
        return self.select_related("appel__contrat", "porteur", "pilier").with_montant_demande()


class Action(models.Model):
    """One action for one year, from the application (CERFA 12156) to its bilan."""

    appel = models.ForeignKey(
        AppelAProjets,
        verbose_name="appel à projets",
        on_delete=models.PROTECT,
        related_name="actions",
    )
    porteur = models.ForeignKey(
        Organisation, verbose_name="porteur", on_delete=models.PROTECT, related_name="actions"
    )
    etat = models.CharField(
        "état", max_length=20, choices=EtatAction.choices, default=EtatAction.BROUILLON
    )
    intitule = models.CharField("intitulé", max_length=255)
    description = models.TextField("description", blank=True)
    objectifs_action = models.TextField("objectifs de l'action", blank=True)
    pilier = models.ForeignKey(
        Pilier, verbose_name="pilier", on_delete=models.PROTECT, null=True, blank=True
    )
    objectif = models.ForeignKey(
        Objectif,
        verbose_name="objectif opérationnel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    axes = models.ManyToManyField(AxeTransversal, verbose_name="axes transversaux", blank=True)
    thematique = models.ForeignKey(
        ThematiqueANCT,
        verbose_name="thématique ANCT",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    public_vise = models.TextField("public visé", blank=True)
    beneficiaires_prevus = models.PositiveIntegerField(
        "nombre de bénéficiaires prévus", null=True, blank=True
    )
    part_femmes = models.DecimalField(
        "part de femmes (%)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    part_qpv = models.DecimalField(
        "part d'habitants des QPV (%)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    tranches_age = models.CharField("tranches d'âge", max_length=255, blank=True)
    date_debut = models.DateField("date de début", null=True, blank=True)
    date_fin = models.DateField("date de fin", null=True, blank=True)
    lieux = models.TextField("lieux", blank=True)
    moyens_humains = models.TextField("moyens humains", blank=True)
    est_reconduction = models.BooleanField("reconduction", default=False)
    reconduction_de = models.ForeignKey(
        "self",
        verbose_name="action reconduite",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reconductions",
    )
    instructeur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="instructeur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions_instruites",
    )
    montant_a_reverser = models.DecimalField(
        "montant à reverser", **MONEY, null=True, blank=True, validators=POSITIVE
    )
    cree_le = models.DateTimeField("créée le", default=timezone.now, editable=False)
    deposee_le = models.DateTimeField("déposée le", null=True, blank=True, editable=False)
    # Optimistic locking of the application's content: each save of the form (page or API)
    # takes the next version, and a save made over an older one is refused
    # (services.action_content_save), naming who saved last and when.
    version = models.PositiveIntegerField("version", default=1, editable=False)
    modifiee_le = models.DateTimeField("modifiée le", null=True, blank=True, editable=False)
    modifiee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="modifiée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = "action"
        verbose_name_plural = "actions"
        ordering = ["-appel__annee", "intitule"]

    def __str__(self):
        return self.intitule

    @property
    def contrat(self):
        return self.appel.contrat

    def clean(self):
        errors = {}
        if self.date_debut and self.date_fin and self.date_fin < self.date_debut:
            errors["date_fin"] = "La date de fin doit suivre la date de début."
        if self.pilier_id and self.appel_id and self.pilier.contrat_id != self.appel.contrat_id:
            errors["pilier"] = "Ce pilier appartient à un autre contrat."
        if self.objectif_id and self.pilier_id and self.objectif.pilier_id != self.pilier_id:
            errors["objectif"] = "Cet objectif relève d'un autre pilier."
        if self.reconduction_de_id and self.reconduction_de.porteur_id != self.porteur_id:
            errors["reconduction_de"] = "Une reconduction reprend une action du même porteur."
        if errors:
            raise ValidationError(errors)


class ActionScopedQuerySet(ParentScopedQuerySet):
    """Visible with the action it belongs to."""

    parent_field = "action"
    contrat_path = "action__appel__contrat"


class ActionQuartier(models.Model):
    """The share of an action carried out in one quartier."""

    action = models.ForeignKey(
        Action, verbose_name="action", on_delete=models.CASCADE, related_name="quartiers"
    )
    quartier = models.ForeignKey(Quartier, verbose_name="quartier", on_delete=models.PROTECT)
    part = models.DecimalField(
        "part de l'action (%)", max_digits=5, decimal_places=2, validators=PERCENT
    )

    objects = ActionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "quartier de l'action"
        verbose_name_plural = "quartiers de l'action"
        ordering = ["action", "-part"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "quartier"],
                name="action_quartier_unique",
                violation_error_message="Ce quartier est déjà indiqué pour cette action.",
            )
        ]

    def __str__(self):
        return f"{self.quartier} ({self.part} %)"

    def clean(self):
        if self.quartier_id and self.action_id:
            self.quartier.check_contrat(self.action.appel.contrat_id)


class Indicateur(models.Model):
    """An evaluation indicator of the action: its target, then what was achieved."""

    action = models.ForeignKey(
        Action, verbose_name="action", on_delete=models.CASCADE, related_name="indicateurs"
    )
    libelle = models.CharField("indicateur", max_length=255)
    cible = models.DecimalField("cible", max_digits=12, decimal_places=2, null=True, blank=True)
    realise = models.DecimalField("réalisé", max_digits=12, decimal_places=2, null=True, blank=True)

    objects = ActionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "indicateur d'évaluation"
        verbose_name_plural = "indicateurs d'évaluation"
        ordering = ["action", "id"]

    def __str__(self):
        return self.libelle


class Financement(models.Model):
    """What a funder is asked for, proposes and grants for an action."""

    action = models.ForeignKey(
        Action, verbose_name="action", on_delete=models.CASCADE, related_name="financements"
    )
    financeur = models.ForeignKey(
        Organisation, verbose_name="financeur", on_delete=models.PROTECT, related_name="+"
    )
    nature = models.CharField(
        "nature",
        max_length=20,
        choices=NatureFinancement.choices,
        default=NatureFinancement.SPECIFIQUE,
    )
    montant_demande = models.DecimalField("montant demandé", **MONEY, validators=POSITIVE)
    montant_propose = models.DecimalField(
        "montant proposé", **MONEY, null=True, blank=True, validators=POSITIVE
    )
    montant_accorde = models.DecimalField(
        "montant accordé", **MONEY, null=True, blank=True, validators=POSITIVE
    )

    objects = ActionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "financement"
        verbose_name_plural = "financements"
        ordering = ["action", "financeur__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "financeur", "nature"],
                name="financement_unique",
                violation_error_message="Ce financeur est déjà sollicité pour cette action.",
            )
        ]

    def __str__(self):
        return f"{self.financeur} — {self.action}"


class LigneBudget(models.Model):
    """A line of the action's budget (CERFA chart of accounts): forecast, then realised."""

    action = models.ForeignKey(
        Action, verbose_name="action", on_delete=models.CASCADE, related_name="lignes_budget"
    )
    compte = models.CharField("compte", max_length=2, choices=COMPTE_CHOICES)
    libelle = models.CharField("libellé", max_length=255, blank=True)
    financeur = models.ForeignKey(
        Organisation,
        verbose_name="financeur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Pour une ligne de subvention (compte 74).",
    )
    montant_previsionnel = models.DecimalField(
        "prévisionnel", **MONEY, default=Decimal("0"), validators=POSITIVE
    )
    montant_realise = models.DecimalField(
        "réalisé", **MONEY, null=True, blank=True, validators=POSITIVE
    )
    justification_ecart = models.TextField("explication de l'écart", blank=True)

    objects = ActionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "ligne de budget"
        verbose_name_plural = "lignes de budget"
        ordering = ["action", "compte", "id"]

    def __str__(self):
        return f"{self.get_compte_display()} {self.libelle}".strip()

    @property
    def cote(self):
        return COMPTES[self.compte][0]

    def clean(self):
        if self.financeur_id and self.compte != COMPTE_SUBVENTIONS:
            raise ValidationError(
                {"financeur": "Seule une ligne de subvention (compte 74) nomme un financeur."}
            )


class Avis(models.Model):
    """A solicited funder's opinion; the private annotation is for instructors only."""

    action = models.ForeignKey(
        Action, verbose_name="action", on_delete=models.CASCADE, related_name="avis"
    )
    financeur = models.ForeignKey(
        Organisation, verbose_name="financeur", on_delete=models.PROTECT, related_name="+"
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.PROTECT, related_name="+"
    )
    sens = models.CharField("avis", max_length=20, choices=SensAvis.choices)
    montant_propose = models.DecimalField(
        "montant proposé", **MONEY, null=True, blank=True, validators=POSITIVE
    )
    commentaire = models.TextField("commentaire", blank=True)
    annotation_privee = models.TextField(
        "annotation privée", blank=True, help_text="Visible des seuls instructeurs."
    )
    date = models.DateTimeField("date", default=timezone.now)

    objects = ActionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "avis"
        verbose_name_plural = "avis"
        ordering = ["action", "financeur__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "financeur"],
                name="avis_unique",
                violation_error_message="Ce financeur a déjà rendu son avis sur cette action.",
            )
        ]

    def __str__(self):
        return f"{self.get_sens_display()} — {self.financeur}"


class TransitionQuerySet(ActionScopedQuerySet):
    """The history is append-only, in bulk too (deleting an action still takes its history)."""

    def update(self, **kwargs):
        raise ValidationError("L'historique d'une action ne se modifie pas.")

    def delete(self):
        raise ValidationError("L'historique d'une action ne se supprime pas.")


class TransitionAction(AppendOnlyMixin, models.Model):
    """One step of an action's workflow, recorded once and never changed."""

    append_only_nom = "L'historique d'une action"

    action = models.ForeignKey(
        Action, verbose_name="action", on_delete=models.CASCADE, related_name="transitions"
    )
    code = models.CharField("transition", max_length=40)
    etat_avant = models.CharField("état avant", max_length=20, choices=EtatAction.choices)
    etat_apres = models.CharField("état après", max_length=20, choices=EtatAction.choices)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.PROTECT,
        related_name="+",
    )
    date = models.DateTimeField("date", default=timezone.now)
    commentaire = models.TextField("commentaire", blank=True)

    objects = TransitionQuerySet.as_manager()

    class Meta:
        verbose_name = "étape du circuit"
        verbose_name_plural = "étapes du circuit"
        ordering = ["action", "date", "id"]

    def __str__(self):
        return f"{self.get_etat_avant_display()} → {self.get_etat_apres_display()}"


# Conventions and payments ------------------------------------------------------------------
