"""Exports built in the background (Celery): the request, its progress, then its file."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from cdv.files import MO, taille_mo
from cdv.formats import nombre


class EtatExport(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    EN_COURS = "en_cours", "En cours"
    PRET = "pret", "Prêt"
    ECHEC = "echec", "Échec"


ETATS_TERMINES = frozenset({EtatExport.PRET, EtatExport.ECHEC})


def export_upload_to(instance, filename):
    """A random name (the builder's extension kept): the file is only ever read through the
    scoped download view."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "xlsx"
    return f"exports/{timezone.now():%Y/%m}/{secrets.token_urlsafe(24)}.{extension}"


class ExportQuerySet(models.QuerySet):
    def for_user(self, user):
        """Only the person who asked for an export sees it; superusers too see only their own
        (an export carries its requester's whole scope)."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class Export(models.Model):
    """A file asked by a user, built by a Celery task that records its progress here."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="demandé par",
        on_delete=models.CASCADE,
        related_name="exports",
    )
    contrat = models.ForeignKey(
        "cdv.Contrat", verbose_name="contrat", on_delete=models.CASCADE, related_name="exports"
    )
    kind = models.CharField("type d'export", max_length=50)
    params = models.JSONField("paramètres", default=dict, blank=True)
    etat = models.CharField(
        "état", max_length=20, choices=EtatExport.choices, default=EtatExport.EN_ATTENTE
    )
    progression = models.PositiveSmallIntegerField(
        "progression (%)", default=0, validators=[MaxValueValidator(100)]
    )
    message = models.CharField("message", max_length=255, blank=True)
    fichier = models.FileField("fichier", upload_to=export_upload_to, max_length=255, blank=True)
    taille = models.PositiveBigIntegerField("taille (octets)", null=True, blank=True)
    cree_le = models.DateTimeField("demandé le", default=timezone.now)
    termine_le = models.DateTimeField("terminé le", null=True, blank=True)

    objects = ExportQuerySet.as_manager()

    class Meta:
        verbose_name = "export"
        verbose_name_plural = "exports"
        ordering = ["-cree_le", "-id"]
        indexes = [models.Index(fields=["user", "-cree_le"], name="export_user_cree_le")]

    def __str__(self):
        return f"{self.libelle} du {timezone.localtime(self.cree_le):%d/%m/%Y %H:%M}"

    @property
    def type_export(self):
        """The registry's entry of its kind (None for a kind no longer registered)."""
        from cdv.services_exports import EXPORTS

        return EXPORTS.get(self.kind)

    @property
    def libelle(self):
        return self.type_export.libelle if self.type_export else self.kind

    @property
    def est_termine(self):
        return self.etat in ETATS_TERMINES

    @property
    def taille_lisible(self):
        """5 120 → "5 Ko", 12 989 235 → "12,4 Mo"."""
        if self.taille is None:
            return ""
        if self.taille >= MO:
            return taille_mo(self.taille)
        return f"{nombre(round(self.taille / 1024, 1))}\u00a0Ko"

    @property
    def nom_fichier(self):
        """The name the download gets: kind, contract, request time."""
        prefixe = self.type_export.prefixe if self.type_export else self.kind
        extension = self.fichier.name.rsplit(".", 1)[-1] if self.fichier else "xlsx"
        code = self.contrat.code or f"contrat-{self.contrat_id}"
        return f"{prefixe}-{code}-{timezone.localtime(self.cree_le):%Y%m%d-%H%M}.{extension}"
