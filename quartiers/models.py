"""Priority neighbourhoods (QPV) and watched ones (QVA) of a contract.

The quartiers module (indicators, portraits, reference territories) builds on this model;
the programmation already needs it to allocate each action to its quartiers.
"""

from django.core.exceptions import ValidationError
from django.db import models

from cdv.models import Contrat, ContratScopedQuerySet
from quartiers.enums import QuartierKind


class Quartier(models.Model):
    contrat = models.ForeignKey(
        Contrat, verbose_name="contrat", on_delete=models.CASCADE, related_name="quartiers"
    )
    kind = models.CharField("type", max_length=3, choices=QuartierKind.choices)
    code = models.CharField(
        "code officiel",
        max_length=10,
        blank=True,
        help_text="QPxxxxxx (géographie 2015) ou QNxxxxxx (géographie 2024) ; vide pour un QVA.",
    )
    nom = models.CharField("nom", max_length=150)
    communes = models.CharField("communes", max_length=255, blank=True)
    population = models.PositiveIntegerField("population", null=True, blank=True)

    objects = ContratScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "quartier"
        verbose_name_plural = "quartiers"
        ordering = ["contrat", "kind", "nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["contrat", "nom"],
                name="quartier_nom_unique",
                violation_error_message="Ce contrat a déjà un quartier de ce nom.",
            ),
        ]

    def __str__(self):
        return self.nom

    def check_contrat(self, contrat_id):
        """A record of one contract names only that contract's quartiers."""
        if self.contrat_id != contrat_id:
            raise ValidationError({"quartier": "Ce quartier relève d'un autre contrat."})
