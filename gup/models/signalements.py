"""Categories, diagnostics en marchant, signalements, their history and photos."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from cdv.models import (
    AppendOnlyMixin,
    Contrat,
    ContratScopedQuerySet,
    Organisation,
    ParentScopedQuerySet,
)
from gup.enums import EtatSignalement, Priorite, SourceSignalement
from gup.models.base import anonymous, gup_scope, photo_upload_to
from quartiers.models import Quartier


class CategorieQuerySet(ContratScopedQuerySet):
    def for_user(self, user):
        """Every GUP user of a contract reads its categories (an intervenant GUP: those of
        the contracts it follows, and those routed to its organisation)."""
        if anonymous(user):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            models.Q(contrat__in=Contrat.objects.for_user(user))
            | models.Q(organisation_responsable_id=user.organisation_id or 0)
        )


class CategorieSignalement(models.Model):
    """A kind of problem, per contract, with the body it goes to by default and the
    processing time the partners committed to."""

    contrat = models.ForeignKey(
        Contrat, verbose_name="contrat", on_delete=models.CASCADE, related_name="categories_gup"
    )
    code = models.SlugField("code", max_length=40)
    libelle = models.CharField("libellé", max_length=120)
    description = models.TextField("description", blank=True)
    organisation_responsable = models.ForeignKey(
        Organisation,
        verbose_name="organisation responsable par défaut",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    delai_cible_jours = models.PositiveIntegerField(
        "délai de traitement visé (jours)",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
    )
    ordre = models.PositiveIntegerField("ordre", default=0)
    active = models.BooleanField("proposée aux nouveaux signalements", default=True)

    objects = CategorieQuerySet.as_manager()

    class Meta:
        verbose_name = "catégorie de signalement"
        verbose_name_plural = "catégories de signalement"
        ordering = ["contrat", "ordre", "libelle"]
        constraints = [
            models.UniqueConstraint(
                fields=["contrat", "code"],
                name="gup_categorie_code_unique",
                violation_error_message="Ce code de catégorie existe déjà pour ce contrat.",
            )
        ]

    def __str__(self):
        return self.libelle


class DiagnosticQuerySet(models.QuerySet):
    def for_user(self, user):
        """The coordination GUP, the PDV team and the partners see the walks of their
        contracts; an intervenant GUP those its organisation took part in."""
        if anonymous(user):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            gup_scope(user, contrat_path="quartier__contrat", organisation_path="participants")
        ).distinct()


class Diagnostic(models.Model):
    """A diagnostic en marchant: partners and residents walk a quartier and list problems."""

    quartier = models.ForeignKey(
        Quartier, verbose_name="quartier", on_delete=models.PROTECT, related_name="diagnostics"
    )
    date = models.DateField("date")
    secteur = models.CharField(
        "secteur ou parcours",
        max_length=255,
        blank=True,
        help_text="Exemple : rue Buffon, place Ozanam, pied des tours.",
    )
    participants = models.ManyToManyField(
        Organisation,
        verbose_name="organisations participantes",
        blank=True,
        related_name="diagnostics_gup",
    )
    nb_habitants = models.PositiveIntegerField("nombre d'habitants présents", default=0)
    compte_rendu = models.TextField("compte rendu", blank=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cree_le = models.DateTimeField("créé le", default=timezone.now)
    version = models.PositiveIntegerField("version", default=1)

    objects = DiagnosticQuerySet.as_manager()

    class Meta:
        verbose_name = "diagnostic en marchant"
        verbose_name_plural = "diagnostics en marchant"
        ordering = ["-date", "quartier__nom", "id"]

    def __str__(self):
        return f"Diagnostic du {self.date:%d/%m/%Y} — {self.quartier}"


class SignalementQuerySet(models.QuerySet):
    def for_user(self, user):
        """The coordination GUP, the PDV team and the partners see the problems of their
        contracts; an intervenant GUP only those assigned to its organisation."""
        if anonymous(user):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            gup_scope(
                user,
                contrat_path="quartier__contrat",
                organisation_path="organisation_responsable_id",
            )
        )

    def ouverts(self):
        from gup.enums import ETATS_OUVERTS

        return self.filter(etat__in=ETATS_OUVERTS)


def _jeton():
    return secrets.token_urlsafe(24)


class Signalement(models.Model):
    """One problem, from the moment it is found to its resolution."""

    quartier = models.ForeignKey(
        Quartier, verbose_name="quartier", on_delete=models.PROTECT, related_name="signalements"
    )
    diagnostic = models.ForeignKey(
        Diagnostic,
        verbose_name="diagnostic en marchant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signalements",
    )
    categorie = models.ForeignKey(
        CategorieSignalement,
        verbose_name="catégorie",
        on_delete=models.PROTECT,
        related_name="signalements",
    )
    description = models.TextField("description")
    adresse = models.CharField("adresse", max_length=255, blank=True)
    latitude = models.DecimalField(
        "latitude",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        "longitude",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    source = models.CharField(
        "source",
        max_length=20,
        choices=SourceSignalement.choices,
        default=SourceSignalement.PARTENAIRE,
    )
    organisation_responsable = models.ForeignKey(
        Organisation,
        verbose_name="organisation responsable",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signalements_gup",
    )
    priorite = models.CharField(
        "priorité", max_length=10, choices=Priorite.choices, default=Priorite.NORMALE
    )
    etat = models.CharField(
        "état", max_length=20, choices=EtatSignalement.choices, default=EtatSignalement.NOUVEAU
    )
    original = models.ForeignKey(
        "self",
        verbose_name="signalement d'origine (doublon)",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="doublons",
    )
    signale_le = models.DateTimeField("signalé le", default=timezone.now)
    echeance = models.DateField("échéance", null=True, blank=True)
    transmis_le = models.DateTimeField("transmis le", null=True, blank=True)
    resolu_le = models.DateTimeField("résolu le", null=True, blank=True)
    clos_le = models.DateTimeField("clos le", null=True, blank=True)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="saisi par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A resident's report: how to reach them and follow it without an account.
    email_signalant = models.EmailField("adresse électronique du signalant", blank=True)
    jeton_suivi = models.CharField(
        "jeton du lien de suivi", max_length=64, unique=True, default=_jeton, editable=False
    )
    resolution_confirmee = models.BooleanField(
        "résolution confirmée par le signalant", null=True, blank=True
    )
    # Entries typed offline carry the id the browser gave them: sent twice, kept once.
    client_uuid = models.UUIDField("identifiant de saisie", null=True, blank=True, unique=True)
    version = models.PositiveIntegerField("version", default=1)

    objects = SignalementQuerySet.as_manager()

    class Meta:
        verbose_name = "signalement"
        verbose_name_plural = "signalements"
        ordering = ["-signale_le", "-id"]
        indexes = [
            models.Index(fields=["etat", "signale_le"], name="gup_signalement_etat_idx"),
            models.Index(
                fields=["organisation_responsable", "etat"], name="gup_signalement_resp_idx"
            ),
        ]

    def __str__(self):
        return f"Signalement n° {self.pk} — {self.categorie}"

    def clean(self):
        errors = {}
        if self.categorie_id and self.quartier_id:
            if self.categorie.contrat_id != self.quartier.contrat_id:
                errors["categorie"] = "Choisissez une catégorie du contrat du quartier."
        if self.diagnostic_id and self.quartier_id:
            if self.diagnostic.quartier_id != self.quartier_id:
                errors["diagnostic"] = "Ce diagnostic a parcouru un autre quartier."
        if (self.latitude is None) != (self.longitude is None):
            errors["latitude"] = "Indiquez la latitude et la longitude, ou aucune des deux."
        if not (self.adresse or "").strip() and self.latitude is None:
            errors["adresse"] = "Indiquez une adresse ou placez le problème sur la carte."
        if self.original_id and self.original_id == self.pk:
            errors["original"] = "Un signalement ne peut pas être le doublon de lui-même."
        if errors:
            raise ValidationError(errors)

    def echeance_par_defaut(self):
        """The report's date plus its category's target processing time."""
        jour = timezone.localdate(self.signale_le)
        return jour + timedelta(days=self.categorie.delai_cible_jours)

    @property
    def ouvert(self):
        from gup.enums import ETATS_OUVERTS

        return self.etat in ETATS_OUVERTS


class EvenementQuerySet(ParentScopedQuerySet):
    """Seen with the problem it belongs to."""

    parent_field = "signalement"


class EvenementSignalement(AppendOnlyMixin, models.Model):
    """One line of a problem's history — a step of the workflow, a reassignment, a
    comment of the responsible body — recorded once and never changed."""

    append_only_nom = "L'historique d'un signalement"

    signalement = models.ForeignKey(
        Signalement,
        verbose_name="signalement",
        on_delete=models.CASCADE,
        related_name="evenements",
    )
    code = models.CharField(
        "nature",
        max_length=40,
        help_text="Code de l'étape (transmettre, resoudre…), « creation », « commentaire » "
        "ou « affectation ».",
    )
    etat_avant = models.CharField(
        "état avant", max_length=20, choices=EtatSignalement.choices, blank=True
    )
    etat_apres = models.CharField(
        "état après", max_length=20, choices=EtatSignalement.choices, blank=True
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="organisation responsable après l'événement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    date = models.DateTimeField("date", default=timezone.now)
    commentaire = models.TextField("commentaire", blank=True)
    public = models.BooleanField(
        "visible du signalant",
        default=True,
        help_text="Les étapes et commentaires publics s'affichent sur le lien de suivi.",
    )

    objects = EvenementQuerySet.as_manager()

    class Meta:
        verbose_name = "événement d'un signalement"
        verbose_name_plural = "historique des signalements"
        ordering = ["signalement", "date", "id"]

    def __str__(self):
        return f"{self.signalement_id} — {self.code} — {self.date:%d/%m/%Y %H:%M}"


class PhotoQuerySet(ParentScopedQuerySet):
    """Seen with the problem it belongs to."""

    parent_field = "signalement"


class PhotoSignalement(models.Model):
    """A photo of a problem (on report, or with an update of the responsible body), stored
    privately, re-encoded without its EXIF data (location, device)."""

    signalement = models.ForeignKey(
        Signalement, verbose_name="signalement", on_delete=models.CASCADE, related_name="photos"
    )
    evenement = models.ForeignKey(
        EvenementSignalement,
        verbose_name="événement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="photos",
    )
    fichier = models.FileField("fichier", upload_to=photo_upload_to, max_length=255)
    type_mime = models.CharField("type", max_length=50)
    taille = models.PositiveIntegerField("taille (octets)")
    ajoutee_le = models.DateTimeField("ajoutée le", default=timezone.now)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PhotoQuerySet.as_manager()

    class Meta:
        verbose_name = "photo"
        verbose_name_plural = "photos"
        ordering = ["signalement", "ajoutee_le", "id"]

    def __str__(self):
        return f"Photo {self.pk} du signalement {self.signalement_id}"
