"""After the committee: conventions, yearly amounts, payments, bilans and their reminders."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from cdv.models import (
    Organisation,
    ParentScopedQuerySet,
)
from programmation.enums import (
    KindVersement,
)
from programmation.models.actions import Action, ActionScopedQuerySet
from programmation.models.base import MONEY, PERCENT, POSITIVE
from quartiers.models import Quartier


class Convention(models.Model):
    """The funding agreement of one funder for an action; a multi-year one (CPO, convention
    pluriannuelle d'objectifs) covers 2 to 4 years, with an amount per year."""

    action = models.ForeignKey(
        Action, verbose_name="action", on_delete=models.PROTECT, related_name="conventions"
    )
    financeur = models.ForeignKey(
        Organisation, verbose_name="financeur", on_delete=models.PROTECT, related_name="+"
    )
    numero = models.CharField("numéro", max_length=60, blank=True)
    date_signature = models.DateField("date de signature")
    montant = models.DecimalField("montant accordé", **MONEY, validators=POSITIVE)
    pluriannuelle = models.BooleanField("convention pluriannuelle d'objectifs", default=False)
    annee_fin = models.PositiveSmallIntegerField(
        "dernière année couverte", null=True, blank=True, help_text="Pour une CPO."
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="enregistrée par",
        on_delete=models.PROTECT,
        related_name="+",
    )
    cree_le = models.DateTimeField("enregistrée le", default=timezone.now, editable=False)

    objects = ActionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "convention"
        verbose_name_plural = "conventions"
        ordering = ["action", "financeur__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "financeur"],
                name="convention_unique",
                violation_error_message="Ce financeur a déjà une convention pour cette action.",
            )
        ]

    def __str__(self):
        numero = f" n° {self.numero}" if self.numero else ""
        return f"Convention{numero} — {self.financeur} — {self.action}"

    def clean(self):
        if not (self.action_id and self.financeur_id):
            return
        annee = self.action.appel.annee
        if self.pluriannuelle:
            from programmation.enums import CPO_ANNEES_MAX, CPO_ANNEES_MIN

            duree = (self.annee_fin or annee) - annee + 1
            if not (CPO_ANNEES_MIN <= duree <= CPO_ANNEES_MAX):
                raise ValidationError(
                    {
                        "annee_fin": f"Une convention pluriannuelle couvre de {CPO_ANNEES_MIN} à "
                        f"{CPO_ANNEES_MAX} ans à partir de {annee}."
                    }
                )
        elif self.annee_fin not in (None, annee):
            raise ValidationError(
                {"annee_fin": "Une convention annuelle ne couvre que l'année de l'action."}
            )


class ConventionScopedQuerySet(ParentScopedQuerySet):
    """Visible with the convention (hence the action) it belongs to."""

    parent_field = "convention"
    contrat_path = "convention__action__appel__contrat"


class MontantAnnuel(models.Model):
    """The amount of a multi-year convention for one of its years."""

    convention = models.ForeignKey(
        Convention,
        verbose_name="convention",
        on_delete=models.CASCADE,
        related_name="montants_annuels",
    )
    annee = models.PositiveSmallIntegerField(
        "année", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    montant = models.DecimalField("montant", **MONEY, validators=POSITIVE)

    objects = ConventionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "montant annuel de la convention"
        verbose_name_plural = "montants annuels de la convention"
        ordering = ["convention", "annee"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "annee"],
                name="montant_annuel_unique",
                violation_error_message="Cette année a déjà son montant dans la convention.",
            )
        ]

    def __str__(self):
        return f"{self.annee} : {self.montant} €"


class Versement(models.Model):
    """A payment of a granted subsidy, under its convention."""

    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.PROTECT, related_name="versements"
    )
    kind = models.CharField("nature du versement", max_length=20, choices=KindVersement.choices)
    montant = models.DecimalField(
        "montant", **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    date = models.DateField("date")
    reference = models.CharField("référence", max_length=100, blank=True)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="enregistré par",
        on_delete=models.PROTECT,
        related_name="+",
    )
    cree_le = models.DateTimeField("enregistré le", default=timezone.now, editable=False)

    objects = ConventionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "versement"
        verbose_name_plural = "versements"
        ordering = ["convention", "date", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y}"


# Bilans ------------------------------------------------------------------------------------


class Bilan(models.Model):
    """The end-of-action report (CERFA 15059, qualitative part). The realised budget lives on
    the budget lines (`LigneBudget.montant_realise`), the achieved values on the indicators."""

    action = models.OneToOneField(
        Action, verbose_name="action", on_delete=models.CASCADE, related_name="bilan"
    )
    beneficiaires_total = models.PositiveIntegerField(
        "nombre total de bénéficiaires", null=True, blank=True
    )
    femmes = models.PositiveIntegerField("dont femmes", null=True, blank=True)
    hommes = models.PositiveIntegerField("dont hommes", null=True, blank=True)
    tranches_age = models.TextField(
        "tranches d'âge",
        blank=True,
        help_text="Par exemple : 6–11 ans : 25 ; 12–15 ans : 15.",
    )
    part_qpv = models.DecimalField(
        "part d'habitants des QPV (%)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    mise_en_oeuvre = models.TextField("mise en œuvre, dates et lieux", blank=True)
    resultats = models.TextField("résultats obtenus", blank=True)
    difficultes = models.TextField("difficultés rencontrées", blank=True)
    suites = models.TextField("suites envisagées", blank=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)
    date_depot = models.DateTimeField("déposé le", null=True, blank=True, editable=False)

    objects = ActionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "bilan"
        verbose_name_plural = "bilans"
        ordering = ["action"]

    def __str__(self):
        return f"Bilan — {self.action}"


class BilanScopedQuerySet(ParentScopedQuerySet):
    """Visible with the bilan (hence the action) it belongs to."""

    parent_field = "bilan"
    contrat_path = "bilan__action__appel__contrat"


class BilanQuartier(models.Model):
    """How many of the action's beneficiaries live in one quartier."""

    bilan = models.ForeignKey(
        Bilan, verbose_name="bilan", on_delete=models.CASCADE, related_name="quartiers"
    )
    quartier = models.ForeignKey(Quartier, verbose_name="quartier", on_delete=models.PROTECT)
    beneficiaires = models.PositiveIntegerField("bénéficiaires")

    objects = BilanScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "bénéficiaires par quartier"
        verbose_name_plural = "bénéficiaires par quartier"
        ordering = ["bilan", "quartier__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["bilan", "quartier"],
                name="bilan_quartier_unique",
                violation_error_message="Ce quartier est déjà indiqué dans le bilan.",
            )
        ]

    def __str__(self):
        return f"{self.quartier} : {self.beneficiaires}"

    def clean(self):
        if self.quartier_id and self.bilan_id:
            self.quartier.check_contrat(self.bilan.action.appel.contrat_id)


class Relance(models.Model):
    """A reminder e-mailed to the porteur whose bilan is expected: at most one a day."""

    action = models.ForeignKey(
        Action, verbose_name="action", on_delete=models.CASCADE, related_name="relances"
    )
    date = models.DateField("date")
    echeance = models.DateField("date limite du bilan")
    nb_destinataires = models.PositiveSmallIntegerField("nombre de destinataires", default=0)

    objects = ActionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "relance de bilan"
        verbose_name_plural = "relances de bilan"
        ordering = ["action", "-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "date"],
                name="relance_unique",
                violation_error_message="Ce bilan a déjà été relancé ce jour-là.",
            )
        ]

    def __str__(self):
        return f"Relance du {self.date:%d/%m/%Y} — {self.action}"
