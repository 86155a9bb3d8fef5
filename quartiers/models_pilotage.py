"""Indicateurs resserrés: the short list of indicators the contract's team steers by, per
pillar and per quartier, with a target per year. A value is either computed by the platform
(a code of quartiers.pilotage.REGISTRE, read from the modules' selectors) or entered by hand
(docs/pilotage-indicateurs.md)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from cdv.models import Contrat, ContratScopedQuerySet, Pilier
from cdv.perms import CONTRAT_READER_ROLES


class UnitePilotage(models.TextChoices):
    NOMBRE = "nombre", "Nombre"
    POURCENTAGE = "pourcentage", "%"
    EUROS = "euros", "€"
    JOURS = "jours", "Jours"


class SensPilotage(models.TextChoices):
    HAUSSE = "hausse", "Hausse souhaitée"
    BAISSE = "baisse", "Baisse souhaitée"


class SourcePilotage(models.TextChoices):
    CALCULE = "calcule", "Calculé par la plateforme"
    SAISI = "saisi", "Saisi à la main"


class PilotageQuerySet(ContratScopedQuerySet):
    def for_user(self, user):
        """The contract's readers (PDV team, partners, GUP coordination); no porteur."""
        if user is None or not user.is_authenticated:
            return self.none()
        if not (user.is_superuser or user.has_role(*CONTRAT_READER_ROLES)):
            return self.none()
        return super().for_user(user)


class IndicateurPilotageQuerySet(PilotageQuerySet):
    contrat_path = "contrat"


class IndicateurPilotage(models.Model):
    contrat = models.ForeignKey(
        Contrat,
        verbose_name="contrat",
        on_delete=models.CASCADE,
        related_name="indicateurs_pilotage",
    )
    pilier = models.ForeignKey(
        Pilier,
        verbose_name="pilier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Vide : tous piliers. Pour les actions et les crédits, le pilier filtre "
        "les actions comptées.",
    )
    quartier = models.ForeignKey(
        "quartiers.Quartier",
        verbose_name="quartier",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicateurs_pilotage",
        help_text="Vide : l'ensemble du contrat.",
    )
    libelle = models.CharField("libellé", max_length=255)
    unite = models.CharField("unité", max_length=12, choices=UnitePilotage.choices)
    sens = models.CharField("sens souhaité", max_length=6, choices=SensPilotage.choices)
    source = models.CharField("source", max_length=8, choices=SourcePilotage.choices)
    calcul = models.CharField(
        "calcul",
        max_length=40,
        blank=True,
        help_text="Pour un indicateur calculé : le chiffre de la plateforme qu'il reprend.",
    )
    ordre = models.PositiveSmallIntegerField("ordre d'affichage", default=0)
    # Bumped on each save of the indicator or its targets: a form sent with an older
    # version was filled over someone else's change.
    version = models.PositiveIntegerField("version", default=1, editable=False)

    objects = IndicateurPilotageQuerySet.as_manager()

    class Meta:
        verbose_name = "indicateur de pilotage"
        verbose_name_plural = "indicateurs de pilotage"
        ordering = ["contrat", "ordre", "libelle"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source="saisi", calcul="") | Q(source="calcule") & ~Q(calcul=""),
                name="indicateur_pilotage_calcul_si_calcule",
                violation_error_message="Un indicateur calculé nomme son calcul ; un indicateur "
                "saisi n'en a pas.",
            ),
        ]

    def __str__(self):
        return self.libelle

    @property
    def est_calcule(self):
        return self.source == SourcePilotage.CALCULE

    def clean(self):
        from quartiers.pilotage import REGISTRE  # reads the modules, which read this app

        errors = {}
        if self.contrat_id:
            if self.pilier_id and self.pilier.contrat_id != self.contrat_id:
                errors["pilier"] = "Ce pilier relève d'un autre contrat."
            if self.quartier_id and self.quartier.contrat_id != self.contrat_id:
                errors["quartier"] = "Ce quartier relève d'un autre contrat."
        if self.source == SourcePilotage.SAISI:
            self.calcul = ""
        elif self.source == SourcePilotage.CALCULE:
            calcul = REGISTRE.get(self.calcul)
            if calcul is None:
                errors["calcul"] = (
                    "Choisissez le calcul de la plateforme que reprend cet indicateur."
                )
            else:
                errors.update(calcul.erreurs(quartier=self.quartier_id, pilier=self.pilier_id))
        if errors:
            raise ValidationError(errors)


class CiblePilotageQuerySet(PilotageQuerySet):
    contrat_path = "indicateur__contrat"


class CiblePilotage(models.Model):
    indicateur = models.ForeignKey(
        IndicateurPilotage,
        verbose_name="indicateur",
        on_delete=models.CASCADE,
        related_name="cibles",
    )
    annee = models.PositiveSmallIntegerField(
        "année", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    cible = models.DecimalField("cible", max_digits=15, decimal_places=3, null=True, blank=True)
    valeur_saisie = models.DecimalField(
        "valeur saisie",
        max_digits=15,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Pour un indicateur saisi à la main seulement.",
    )
    commentaire = models.CharField("commentaire", max_length=500, blank=True)

    objects = CiblePilotageQuerySet.as_manager()

    class Meta:
        verbose_name = "cible d'indicateur de pilotage"
        verbose_name_plural = "cibles d'indicateurs de pilotage"
        ordering = ["indicateur", "annee"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicateur", "annee"],
                name="cible_pilotage_unique",
                violation_error_message="Cet indicateur a déjà une cible pour cette année.",
            ),
        ]

    def __str__(self):
        return f"{self.indicateur} — {self.annee}"

    def clean(self):
        if not self.indicateur_id:
            return
        contrat = self.indicateur.contrat
        errors = {}
        if self.annee and not contrat.annee_debut <= self.annee <= contrat.annee_fin:
            errors["annee"] = (
                f"L'année doit appartenir à la période du contrat "
                f"({contrat.annee_debut}–{contrat.annee_fin})."
            )
        if self.valeur_saisie is not None and self.indicateur.est_calcule:
            errors["valeur_saisie"] = (
                "La valeur de cet indicateur est calculée par la plateforme : laissez ce "
                "champ vide."
            )
        if errors:
            raise ValidationError(errors)
