"""Chantiers tremplin: short paid work sites improving a quartier, run by a régie."""

from django.core.exceptions import ValidationError
from django.db import models

from cdv.models import Organisation, ParentScopedQuerySet
from gup.models.base import MONEY, anonymous, gup_scope
from quartiers.models import Quartier

# The outcome counters of a site, in the order of enums.IssueChantier.
ISSUES = [
    "sorties_emploi",
    "sorties_formation",
    "sorties_iae",
    "sorties_autre_suivi",
    "sorties_sans_solution",
]


class ChantierQuerySet(models.QuerySet):
    def for_user(self, user):
        """Readers of the contract see its sites; an intervenant GUP those it operates."""
        if anonymous(user):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            gup_scope(user, contrat_path="quartier__contrat", organisation_path="operateur_id")
        )


class ChantierTremplin(models.Model):
    quartier = models.ForeignKey(
        Quartier, verbose_name="quartier", on_delete=models.PROTECT, related_name="chantiers"
    )
    annee = models.PositiveIntegerField("année")
    intitule = models.CharField("intitulé", max_length=255)
    operateur = models.ForeignKey(
        Organisation,
        verbose_name="opérateur",
        on_delete=models.PROTECT,
        related_name="chantiers_tremplin",
        help_text="En général la régie de quartier.",
    )
    date_debut = models.DateField("début", null=True, blank=True)
    date_fin = models.DateField("fin", null=True, blank=True)
    diagnostic = models.ForeignKey(
        "gup.Diagnostic",
        verbose_name="diagnostic en marchant auquel il répond",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chantiers",
    )
    signalements = models.ManyToManyField(
        "gup.Signalement",
        verbose_name="signalements auxquels il répond",
        blank=True,
        related_name="chantiers",
    )
    participants = models.PositiveIntegerField("participants recrutés", default=0)
    femmes = models.PositiveIntegerField("dont femmes", default=0)
    hommes = models.PositiveIntegerField("dont hommes", default=0)
    residents_qpv = models.PositiveIntegerField("dont habitants des QPV", default=0)
    sorties_emploi = models.PositiveIntegerField("sorties vers l'emploi", default=0)
    sorties_formation = models.PositiveIntegerField("sorties vers une formation", default=0)
    sorties_iae = models.PositiveIntegerField("sorties vers l'IAE", default=0)
    sorties_autre_suivi = models.PositiveIntegerField("autre suivi", default=0)
    sorties_sans_solution = models.PositiveIntegerField("sans solution", default=0)
    commentaire = models.TextField("commentaire", blank=True)

    objects = ChantierQuerySet.as_manager()

    class Meta:
        verbose_name = "chantier tremplin"
        verbose_name_plural = "chantiers tremplin"
        ordering = ["-annee", "quartier__nom", "intitule"]

    def __str__(self):
        return f"{self.intitule} ({self.annee})"

    def clean(self):
        errors = {}
        if self.femmes + self.hommes > self.participants:
            errors["femmes"] = (
                f"Femmes et hommes ({self.femmes + self.hommes}) dépassent le nombre de "
                f"participants ({self.participants})."
            )
        if self.residents_qpv > self.participants:
            errors["residents_qpv"] = "Les habitants des QPV ne peuvent dépasser les participants."
        sorties = sum(getattr(self, name) for name in ISSUES)
        if sorties > self.participants:
            errors["sorties_emploi"] = (
                f"Les sorties ({sorties}) dépassent le nombre de participants "
                f"({self.participants})."
            )
        if self.date_debut and self.date_fin and self.date_fin < self.date_debut:
            errors["date_fin"] = "La fin ne peut précéder le début."
        if errors:
            raise ValidationError(errors)


class FinancementChantierQuerySet(ParentScopedQuerySet):
    """Seen with the site it funds."""

    parent_field = "chantier"


class FinancementChantier(models.Model):
    chantier = models.ForeignKey(
        ChantierTremplin,
        verbose_name="chantier",
        on_delete=models.CASCADE,
        related_name="financements",
    )
    financeur = models.ForeignKey(
        Organisation, verbose_name="financeur", on_delete=models.PROTECT, related_name="+"
    )
    montant = models.DecimalField("montant", **MONEY, null=True, blank=True)

    objects = FinancementChantierQuerySet.as_manager()

    class Meta:
        verbose_name = "financement d'un chantier"
        verbose_name_plural = "financements des chantiers"
        ordering = ["chantier", "financeur__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["chantier", "financeur"],
                name="gup_financement_chantier_unique",
                violation_error_message="Ce financeur figure déjà pour ce chantier.",
            )
        ]

    def __str__(self):
        return f"{self.financeur} — {self.chantier}"
