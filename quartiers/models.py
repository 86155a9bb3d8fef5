"""Priority neighbourhoods (QPV) and watched ones (QVA) of a contract, the territories they
are compared with, the catalogue of indicators and their values per territory and vintage.

Every value hangs on a `Territoire`: a quartier with an official code has its own territory
(kind "quartier", kept in step by Quartier.save()), whose parent is its commune, whose parent
is its EPCI, and so on up to France; the national QPV average stands apart. So a quartier's
references are its territory's ancestors (docs/quartiers.md).
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from cdv.models import Contrat, ContratScopedQuerySet, Pilier
from quartiers.enums import (
    RANG_TERRITOIRE,
    QuartierKind,
    Sens,
    SourceIndicateur,
    TerritoireKind,
    Theme,
    Unite,
)
from quartiers.geojson import validate_perimetre


def _anonymous(user):
    return user is None or not user.is_authenticated


class TerritoireQuerySet(models.QuerySet):
    def for_user(self, user):
        """Reference data (names and codes of public territories): every signed-in user."""
        return self.none() if _anonymous(user) else self


# The shape of a territory's code, per kind.
CODES = {
    TerritoireKind.QUARTIER: (r"Q[PN][0-9A-Z]{6}", "QP011002 ou QN01101M"),
    TerritoireKind.COMMUNE: (r"[0-9][0-9AB][0-9]{3}", "le code INSEE à 5 caractères, 11069"),
    TerritoireKind.QPV_EPCI: (r"[0-9]{9}", "le SIREN de l'EPCI, 200035715"),
    TerritoireKind.EPCI: (r"[0-9]{9}", "le SIREN à 9 chiffres, 200035715"),
    TerritoireKind.DEPARTEMENT: (r"[0-9]{2}|2A|2B|97[1-6]", "le numéro, 11"),
    TerritoireKind.FRANCE: (r"FR", "FR"),
    TerritoireKind.QPV_FRANCE: (r"QPV", "QPV"),
}
# Aggregates that no territory belongs to.
SANS_ENFANTS = {TerritoireKind.QPV_EPCI, TerritoireKind.QPV_FRANCE}


class Territoire(models.Model):
    kind = models.CharField("type", max_length=12, choices=TerritoireKind.choices)
    code = models.CharField(
        "code",
        max_length=12,
        help_text="Code officiel : code du quartier, code INSEE de la commune, SIREN de l'EPCI, "
        "numéro du département, « FR » pour la France, « QPV » pour la moyenne nationale des QPV.",
    )
    nom = models.CharField("nom", max_length=150)
    parent = models.ForeignKey(
        "self",
        verbose_name="territoire englobant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enfants",
        help_text="Commune d'un quartier, EPCI d'une commune, département d'un EPCI…",
    )

    objects = TerritoireQuerySet.as_manager()

    class Meta:
        verbose_name = "territoire"
        verbose_name_plural = "territoires"
        ordering = ["kind", "nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code"],
                name="territoire_kind_code_unique",
                violation_error_message="Un territoire de ce type porte déjà ce code.",
            ),
        ]

    def __str__(self):
        return f"{self.nom} ({self.get_kind_display()})"

    def clean(self):
        pattern, exemple = CODES.get(self.kind, (None, None))
        if pattern and self.code and not re.fullmatch(pattern, self.code):
            raise ValidationError({"code": f"Code invalide pour ce type : attendu {exemple}."})
        if self.parent_id:
            parent = self.parent
            if parent.pk == self.pk or parent.kind in SANS_ENFANTS:
                raise ValidationError({"parent": "Ce territoire ne peut pas en englober un autre."})
            if RANG_TERRITOIRE.get(parent.kind, 0) <= RANG_TERRITOIRE.get(self.kind, 0):
                raise ValidationError(
                    {"parent": "Le territoire englobant doit être plus large (commune, EPCI…)."}
                )

    def ancetres(self):
        """The enclosing territories, nearest first (one query per level: a handful)."""
        chain, seen, current = [], {self.pk}, self.parent
        while current is not None and current.pk not in seen:
            chain.append(current)
            seen.add(current.pk)
            current = current.parent
        return chain


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
    perimetre = models.JSONField(
        "périmètre",
        null=True,
        blank=True,
        validators=[validate_perimetre],
        help_text="Géométrie GeoJSON (Polygon ou MultiPolygon), en longitude puis latitude "
        "(WGS 84).",
    )
    perimetre_note = models.CharField(
        "précision sur le périmètre",
        max_length=255,
        blank=True,
        help_text="Par exemple : « approximation : rectangle englobant le quartier ».",
    )
    remplace = models.ManyToManyField(
        "self",
        verbose_name="remplace les quartiers",
        symmetrical=False,
        blank=True,
        related_name="remplace_par",
        help_text="Quartiers de la géographie précédente (2015) auxquels celui-ci succède : "
        "leurs indicateurs forment son historique.",
    )
    territoire = models.OneToOneField(
        Territoire,
        verbose_name="territoire",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="quartier",
        help_text="Créé avec le code officiel : porte les valeurs des indicateurs du quartier.",
    )

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
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="quartier_code_unique",
                violation_error_message="Un autre quartier porte déjà ce code officiel.",
            ),
        ]

    def __str__(self):
        return self.nom

    def save(self, *args, **kwargs):
        self._sync_territoire()
        super().save(*args, **kwargs)

    def clean(self):
        if self.code and not re.fullmatch(CODES[TerritoireKind.QUARTIER][0], self.code):
            raise ValidationError({"code": "Code officiel invalide : QP011002 ou QN01101M."})

    def check_contrat(self, contrat_id):
        """A record of one contract names only that contract's quartiers."""
        if self.contrat_id != contrat_id:
            raise ValidationError({"quartier": "Ce quartier relève d'un autre contrat."})

    def _sync_territoire(self):
        """A quartier with an official code has its territory, found again by that code
        (so a quartier re-created keeps its values); a code changed renames the territory."""
        if not self.code:
            return
        manager = Territoire.objects  # unscoped: the quartier's own territory
        if self.territoire_id is None:
            self.territoire, _ = manager.get_or_create(
                kind=TerritoireKind.QUARTIER, code=self.code, defaults={"nom": self.nom}
            )
        manager.filter(pk=self.territoire_id).exclude(code=self.code, nom=self.nom).update(
            code=self.code, nom=self.nom
        )

    def historique(self):
        """The quartiers telling this quartier's history, itself first: then, while a quartier
        replaces exactly one earlier quartier, that one (a quartier merged from several has no
        comparable past). Unscoped: reached through this quartier. Computed once per
        instance (a page asks for it for figures, actions and problems)."""
        if getattr(self, "_historique", None) is not None:
            return self._historique
        chaine, seen, current = [], set(), self
        while current is not None and current.pk not in seen:
            seen.add(current.pk)
            chaine.append(current)
            precedents = list(current.remplace.select_related("territoire")[:2])
            current = precedents[0] if len(precedents) == 1 else None
        self._historique = chaine
        return chaine

    def territoires_historiques(self):
        """The territories whose values tell this quartier's history, its own first."""
        return [q.territoire for q in self.historique() if q.territoire_id]


class IndicateurQuerySet(models.QuerySet):
    def for_user(self, user):
        """The catalogue of indicators is reference data: every signed-in user reads it."""
        return self.none() if _anonymous(user) else self


class Indicateur(models.Model):
    code = models.SlugField(
        "code",
        max_length=50,
        unique=True,
        help_text="Identifiant court, en minuscules, utilisé par l'import (taux_pauvrete).",
    )
    libelle = models.CharField("libellé", max_length=255)
    unite = models.CharField("unité", max_length=12, choices=Unite.choices)
    theme = models.CharField("thème", max_length=12, choices=Theme.choices)
    source = models.CharField("source", max_length=15, choices=SourceIndicateur.choices)
    sens = models.CharField(
        "sens favorable",
        max_length=6,
        choices=Sens.choices,
        default=Sens.NEUTRE,
        help_text="Dit si l'écart d'un quartier à sa référence se réduit ou se creuse.",
    )
    description = models.TextField("description", blank=True)
    ordre = models.PositiveSmallIntegerField("ordre d'affichage", default=0)

    objects = IndicateurQuerySet.as_manager()

    class Meta:
        verbose_name = "indicateur de quartier"
        verbose_name_plural = "indicateurs de quartier"
        ordering = ["ordre", "code"]

    def __str__(self):
        return self.libelle


class ValeurIndicateurQuerySet(models.QuerySet):
    # perms.contrat_of() follows it: a quartier's values are managed by its contract's team.
    contrat_path = "territoire__quartier__contrat"

    def for_user(self, user):
        """Values of reference territories (public statistics): every signed-in user;
        values of a quartier: those who see the quartier (its contract's users)."""
        if _anonymous(user):
            return self.none()
        if user.is_superuser:
            return self
        reference = ~Q(territoire__kind=TerritoireKind.QUARTIER)
        quartiers = Q(territoire__quartier__in=Quartier.objects.for_user(user))
        return self.filter(reference | quartiers)


class ValeurIndicateur(models.Model):
    territoire = models.ForeignKey(
        Territoire, verbose_name="territoire", on_delete=models.CASCADE, related_name="valeurs"
    )
    indicateur = models.ForeignKey(
        Indicateur, verbose_name="indicateur", on_delete=models.PROTECT, related_name="valeurs"
    )
    millesime = models.PositiveSmallIntegerField(
        "millésime", validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    valeur = models.DecimalField(
        "valeur",
        max_digits=15,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Vide quand la valeur est sous secret statistique.",
    )
    secret = models.BooleanField(
        "secret statistique",
        default=False,
        help_text="La source n'a pas diffusé la valeur (trop peu de personnes comptées).",
    )
    source = models.CharField("note sur la source", max_length=255, blank=True)

    objects = ValeurIndicateurQuerySet.as_manager()

    class Meta:
        verbose_name = "valeur d'indicateur"
        verbose_name_plural = "valeurs d'indicateurs"
        ordering = ["indicateur", "territoire", "millesime"]
        constraints = [
            models.UniqueConstraint(
                fields=["territoire", "indicateur", "millesime"],
                name="valeur_indicateur_unique",
                violation_error_message="Ce territoire a déjà une valeur de cet indicateur "
                "pour ce millésime.",
            ),
            models.CheckConstraint(
                condition=Q(secret=True, valeur__isnull=True)
                | Q(secret=False, valeur__isnull=False),
                name="valeur_indicateur_secret_sans_valeur",
                violation_error_message="Une valeur est soit renseignée, soit sous secret "
                "statistique (et alors vide).",
            ),
        ]

    def __str__(self):
        return f"{self.indicateur} — {self.territoire} ({self.millesime})"

    def clean(self):
        if self.secret and self.valeur is not None:
            raise ValidationError(
                {"valeur": "Une valeur sous secret statistique reste vide : effacez-la."}
            )
        if not self.secret and self.valeur is None:
            raise ValidationError(
                {"valeur": "Indiquez la valeur, ou cochez « secret statistique »."}
            )


class LigneDirectriceQuerySet(ContratScopedQuerySet):
    contrat_path = "quartier__contrat"


class LigneDirectrice(models.Model):
    """The issues and guidelines written by the contract's team for a quartier, for the
    whole quartier or one pillar; one row per year keeps the earlier years' versions."""

    quartier = models.ForeignKey(
        Quartier,
        verbose_name="quartier",
        on_delete=models.CASCADE,
        related_name="lignes_directrices",
    )
    annee = models.PositiveSmallIntegerField(
        "année", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    pilier = models.ForeignKey(
        Pilier,
        verbose_name="pilier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Vide : l'ensemble du quartier.",
    )
    enjeux = models.TextField("enjeux", blank=True)
    lignes_directrices = models.TextField("lignes directrices", blank=True)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    objects = LigneDirectriceQuerySet.as_manager()

    class Meta:
        verbose_name = "ligne directrice de quartier"
        verbose_name_plural = "lignes directrices de quartier"
        ordering = ["quartier", "-annee", "pilier__ordre", "pilier__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["quartier", "annee", "pilier"],
                name="ligne_directrice_unique",
                violation_error_message="Ce quartier a déjà des lignes directrices pour ce "
                "pilier et cette année.",
            ),
            # NULL never equals NULL: one row per year for the whole quartier, said apart.
            models.UniqueConstraint(
                fields=["quartier", "annee"],
                condition=Q(pilier__isnull=True),
                name="ligne_directrice_quartier_unique",
                violation_error_message="Ce quartier a déjà des lignes directrices pour "
                "cette année.",
            ),
        ]

    def __str__(self):
        pilier = self.pilier.nom if self.pilier_id else "ensemble du quartier"
        return f"{self.quartier} — {self.annee} — {pilier}"

    def clean(self):
        if (
            self.pilier_id
            and self.quartier_id
            and self.pilier.contrat_id != self.quartier.contrat_id
        ):
            raise ValidationError({"pilier": "Ce pilier relève d'un autre contrat."})


from quartiers.models_pilotage import CiblePilotage, IndicateurPilotage  # noqa: E402, F401
