"""Calls for projects: calendar, priorities per pillar, funders' envelopes."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from cdv.enums import RoleCode
from cdv.models import (
    Contrat,
    Objectif,
    Organisation,
    ParentScopedQuerySet,
    Pilier,
)
from programmation.enums import (
    EtatAppel,
)
from programmation.models.base import MONEY, PERCENT, POSITIVE, _anonymous


class AppelQuerySet(models.QuerySet):
    contrat_path = "contrat"

    def for_user(self, user):
        """The calls of one's contracts; porteurs see every open call and those they answered."""
        if _anonymous(user):
            return self.none()
        if user.is_superuser:
            return self
        scope = Q(contrat__in=Contrat.objects.for_user(user))
        if user.has_role(RoleCode.PORTEUR):
            scope |= Q(etat=EtatAppel.OUVERT)
            if user.organisation_id:
                scope |= Q(actions__porteur_id=user.organisation_id)
        return self.filter(scope).distinct()


class AppelAProjets(models.Model):
    contrat = models.ForeignKey(
        Contrat, verbose_name="contrat", on_delete=models.PROTECT, related_name="appels"
    )
    annee = models.PositiveSmallIntegerField(
        "année", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    titre = models.CharField("titre", max_length=255)
    note_de_cadrage = models.TextField("note de cadrage", blank=True)
    etat = models.CharField(
        "état", max_length=20, choices=EtatAppel.choices, default=EtatAppel.EN_PREPARATION
    )
    date_ouverture = models.DateField("ouverture", null=True, blank=True)
    date_cloture = models.DateField("clôture des dépôts", null=True, blank=True)
    date_limite_instruction = models.DateField("fin de l'instruction", null=True, blank=True)
    date_comite = models.DateField("comité de programmation", null=True, blank=True)
    date_limite_bilan = models.DateField("date limite des bilans", null=True, blank=True)
    seuil_demande_simplifiee = models.DecimalField(
        "seuil de la demande simplifiée",
        **MONEY,
        default=Decimal("5000"),
        validators=POSITIVE,
        help_text="En dessous de ce montant demandé, le formulaire court suffit.",
    )
    seuil_ecart_bilan = models.DecimalField(
        "seuil d'écart à justifier au bilan (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("15"),
        validators=PERCENT,
        help_text="Au bilan, le porteur explique toute ligne dont l'écart au prévisionnel "
        "dépasse ce pourcentage.",
    )

    objects = AppelQuerySet.as_manager()

    class Meta:
        verbose_name = "appel à projets"
        verbose_name_plural = "appels à projets"
        ordering = ["-annee", "titre"]
        constraints = [
            models.UniqueConstraint(
                fields=["contrat", "annee", "titre"],
                name="appel_unique",
                violation_error_message="Ce contrat a déjà un appel de ce titre cette année.",
            )
        ]

    def __str__(self):
        return self.titre

    def clean(self):
        calendrier = [
            ("date_ouverture", self.date_ouverture),
            ("date_cloture", self.date_cloture),
            ("date_limite_instruction", self.date_limite_instruction),
            ("date_comite", self.date_comite),
        ]
        dated = [(name, value) for name, value in calendrier if value]
        for (_, before), (name, after) in zip(dated, dated[1:], strict=False):
            if after < before:
                label = self._meta.get_field(name).verbose_name
                raise ValidationError(
                    {name: f"La date « {label} » ne peut précéder l'étape d'avant."}
                )
        if (
            self.contrat_id
            and self.annee
            and not (self.contrat.annee_debut <= self.annee <= self.contrat.annee_fin)
        ):
            raise ValidationError({"annee": "L'année doit appartenir à la période du contrat."})


class AppelScopedQuerySet(ParentScopedQuerySet):
    """Visible with the call it belongs to."""

    parent_field = "appel"
    contrat_path = "appel__contrat"


class Priorite(models.Model):
    """A priority of the call for one pillar: text, and the contract's objectives it targets."""

    appel = models.ForeignKey(
        AppelAProjets, verbose_name="appel", on_delete=models.CASCADE, related_name="priorites"
    )
    pilier = models.ForeignKey(Pilier, verbose_name="pilier", on_delete=models.PROTECT)
    texte = models.TextField("priorités")
    objectifs = models.ManyToManyField(Objectif, verbose_name="objectifs visés", blank=True)

    objects = AppelScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "priorité de l'appel"
        verbose_name_plural = "priorités de l'appel"
        ordering = ["appel", "pilier__ordre"]

    def __str__(self):
        return f"{self.appel} — {self.pilier}"

    def clean(self):
        if self.pilier_id and self.appel_id and self.pilier.contrat_id != self.appel.contrat_id:
            raise ValidationError({"pilier": "Ce pilier appartient à un autre contrat."})


class Enveloppe(models.Model):
    """The indicative envelope a funder sets aside for a call."""

    appel = models.ForeignKey(
        AppelAProjets, verbose_name="appel", on_delete=models.CASCADE, related_name="enveloppes"
    )
    financeur = models.ForeignKey(Organisation, verbose_name="financeur", on_delete=models.PROTECT)
    montant = models.DecimalField("montant indicatif", **MONEY, validators=POSITIVE)

    objects = AppelScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "enveloppe indicative"
        verbose_name_plural = "enveloppes indicatives"
        ordering = ["appel", "financeur__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["appel", "financeur"],
                name="enveloppe_unique",
                violation_error_message="Ce financeur a déjà une enveloppe pour cet appel.",
            )
        ]

    def __str__(self):
        return f"{self.financeur} — {self.appel}"
