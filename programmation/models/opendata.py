"""Open data: the years of a contract whose granted subsidies are published (SCDL)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cdv.models import Contrat, ContratScopedQuerySet


class PublicationQuerySet(ContratScopedQuerySet):
    """Signed-in users see the publications of their contracts; the published files
    themselves are public (views/opendata.py)."""


class PublicationSCDL(models.Model):
    """A year of a contract whose granted subsidies anyone may download in the SCDL format."""

    contrat = models.ForeignKey(
        Contrat,
        verbose_name="contrat",
        on_delete=models.CASCADE,
        related_name="publications_scdl",
    )
    annee = models.PositiveSmallIntegerField("année")
    publie_le = models.DateTimeField("publié le", default=timezone.now)
    publie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="publié par",
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = "publication des subventions (SCDL)"
        verbose_name_plural = "publications des subventions (SCDL)"
        ordering = ["contrat", "-annee"]
        constraints = [
            models.UniqueConstraint(
                fields=["contrat", "annee"],
                name="publication_scdl_unique",
                violation_error_message="Cette année est déjà publiée pour ce contrat.",
            )
        ]

    def __str__(self):
        return f"Subventions {self.annee} — {self.contrat}"
