"""The TFPB abatement: conventions per landlord, yearly abatements per quartier and the
actions valued against them by axis of the national framework."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from cdv.models import Contrat, Organisation
from gup.models.base import MONEY, anonymous, gup_scope
from quartiers.models import Quartier

POSITIVE = [MinValueValidator(Decimal("0"))]


class AxeTFPBQuerySet(models.QuerySet):
    def for_user(self, user):
        """The national framework's axes are reference data: every signed-in user reads them."""
        return self.none() if anonymous(user) else self


class AxeTFPB(models.Model):
    """An axis of the national framework for the use of the abatement (2015, avenant 2021)."""

    code = models.CharField("code", max_length=10)
    libelle = models.CharField("libellé", max_length=255)
    description = models.TextField("actions typiques", blank=True)
    version = models.CharField("cadre", max_length=40, default="2015 (avenant 2021)")
    ordre = models.PositiveIntegerField("ordre", default=0)

    objects = AxeTFPBQuerySet.as_manager()

    class Meta:
        verbose_name = "axe TFPB"
        verbose_name_plural = "axes TFPB"
        ordering = ["version", "ordre", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="gup_axe_tfpb_unique")
        ]

    def __str__(self):
        return f"{self.code}. {self.libelle}"


class TFPBQuerySet(models.QuerySet):
    """Readers of the contract see its TFPB; a landlord's intervenant GUP sees its own."""

    contrat_path = None
    bailleur_path = None

    def for_user(self, user):
        if anonymous(user):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            gup_scope(user, contrat_path=self.contrat_path, organisation_path=self.bailleur_path)
        )


class ConventionTFPBQuerySet(TFPBQuerySet):
    contrat_path = "contrat"
    bailleur_path = "bailleur_id"


class ConventionTFPB(models.Model):
    """A landlord's convention for the use of the abatement, annexed to the contract."""

    contrat = models.ForeignKey(
        Contrat, verbose_name="contrat", on_delete=models.PROTECT, related_name="conventions_tfpb"
    )
    bailleur = models.ForeignKey(
        Organisation,
        verbose_name="bailleur",
        on_delete=models.PROTECT,
        related_name="conventions_tfpb",
    )
    annee_debut = models.PositiveIntegerField("première année")
    annee_fin = models.PositiveIntegerField("dernière année")
    date_signature = models.DateField("date de signature", null=True, blank=True)
    commentaire = models.TextField("commentaire", blank=True)

    objects = ConventionTFPBQuerySet.as_manager()

    class Meta:
        verbose_name = "convention d'abattement TFPB"
        verbose_name_plural = "conventions d'abattement TFPB"
        ordering = ["contrat", "bailleur__nom", "annee_debut"]

    def __str__(self):
        return f"{self.bailleur} — {self.annee_debut}-{self.annee_fin}"

    def clean(self):
        if self.annee_debut and self.annee_fin and self.annee_fin < self.annee_debut:
            raise ValidationError({"annee_fin": "La dernière année ne peut précéder la première."})


class PatrimoineQuerySet(TFPBQuerySet):
    contrat_path = "convention__contrat"
    bailleur_path = "convention__bailleur_id"


class PatrimoineTFPB(models.Model):
    """The landlord's dwellings in one quartier under the convention."""

    convention = models.ForeignKey(
        ConventionTFPB,
        verbose_name="convention",
        on_delete=models.CASCADE,
        related_name="patrimoine",
    )
    quartier = models.ForeignKey(Quartier, verbose_name="quartier", on_delete=models.PROTECT)
    nb_logements = models.PositiveIntegerField("nombre de logements")

    objects = PatrimoineQuerySet.as_manager()

    class Meta:
        verbose_name = "patrimoine du bailleur dans un quartier"
        verbose_name_plural = "patrimoine des bailleurs"
        ordering = ["convention", "quartier__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "quartier"],
                name="gup_patrimoine_tfpb_unique",
                violation_error_message="Ce quartier figure déjà dans la convention.",
            )
        ]

    def __str__(self):
        return f"{self.quartier} : {self.nb_logements} logements"


class AbattementTFPB(models.Model):
    """The abatement a landlord obtained for one year in one quartier."""

    convention = models.ForeignKey(
        ConventionTFPB,
        verbose_name="convention",
        on_delete=models.CASCADE,
        related_name="abattements",
    )
    quartier = models.ForeignKey(Quartier, verbose_name="quartier", on_delete=models.PROTECT)
    annee = models.PositiveIntegerField("année")
    montant = models.DecimalField("montant de l'abattement", **MONEY, validators=POSITIVE)

    objects = PatrimoineQuerySet.as_manager()

    class Meta:
        verbose_name = "abattement TFPB"
        verbose_name_plural = "abattements TFPB"
        ordering = ["convention", "annee", "quartier__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "quartier", "annee"],
                name="gup_abattement_tfpb_unique",
                violation_error_message="L'abattement de ce quartier pour cette année est "
                "déjà saisi.",
            )
        ]

    def __str__(self):
        return f"{self.convention.bailleur} — {self.quartier} — {self.annee}"


class ActionTFPB(models.Model):
    """An action a landlord values against its abatement."""

    convention = models.ForeignKey(
        ConventionTFPB, verbose_name="convention", on_delete=models.CASCADE, related_name="actions"
    )
    quartier = models.ForeignKey(Quartier, verbose_name="quartier", on_delete=models.PROTECT)
    annee = models.PositiveIntegerField("année")
    axe = models.ForeignKey(AxeTFPB, verbose_name="axe", on_delete=models.PROTECT)
    intitule = models.CharField("intitulé", max_length=255)
    description = models.TextField("description", blank=True)
    residence = models.CharField("résidence ou bâtiment", max_length=255, blank=True)
    montant_prevu = models.DecimalField("montant prévu", **MONEY, validators=POSITIVE)
    montant_realise = models.DecimalField(
        "montant réalisé", **MONEY, null=True, blank=True, validators=POSITIVE
    )
    cofinancement = models.DecimalField(
        "cofinancements", **MONEY, default=Decimal("0"), validators=POSITIVE
    )
    diagnostic = models.ForeignKey(
        "gup.Diagnostic",
        verbose_name="diagnostic en marchant à l'origine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions_tfpb",
    )

    objects = PatrimoineQuerySet.as_manager()

    class Meta:
        verbose_name = "action valorisée TFPB"
        verbose_name_plural = "actions valorisées TFPB"
        ordering = ["convention", "annee", "axe__ordre", "intitule"]

    def __str__(self):
        return self.intitule
