"""Calls for projects, actions (applications), their funding, budgets, opinions and history."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cdv.enums import RoleCode
from cdv.models import (
    AxeTransversal,
    Contrat,
    Objectif,
    Organisation,
    Pilier,
    ThematiqueANCT,
)
from programmation.enums import (
    COMPTE_CHOICES,
    COMPTE_SUBVENTIONS,
    COMPTES,
    EtatAction,
    EtatAppel,
    KindVersement,
    NatureFinancement,
    SensAvis,
)
from quartiers.models import Quartier

MONEY = {"max_digits": 12, "decimal_places": 2}
POSITIVE = [MinValueValidator(Decimal("0"))]
PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]

# Roles that follow all the actions of their contracts (beyond drafts).
CONTRAT_WIDE_ROLES = {RoleCode.ADMIN_PDV, RoleCode.LECTEUR_PARTENAIRE}


def _anonymous(user):
    return user is None or not user.is_authenticated


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


class AppelScopedQuerySet(models.QuerySet):
    contrat_path = "appel__contrat"

    def for_user(self, user):
        """Visible with the call it belongs to."""
        return self.filter(appel__in=AppelAProjets.objects.for_user(user))


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


class ActionQuerySet(models.QuerySet):
    contrat_path = "appel__contrat"

    def for_user(self, user):
        """Porteurs: their organisation's actions. PDV team and readers: their contracts'
        actions once deposited. Instructors: those where their organisation is solicited."""
        if _anonymous(user):
            return self.none()
        if user.is_superuser:
            return self
        scope = Q(pk__in=[])
        contrats = Contrat.objects.for_user(user)
        deposited = ~Q(etat=EtatAction.BROUILLON) & Q(appel__contrat__in=contrats)
        if user.has_role(*CONTRAT_WIDE_ROLES):
            scope |= deposited
        if user.has_role(RoleCode.INSTRUCTEUR_FINANCEUR) and user.organisation_id:
            solicited = Financement.objects.filter(financeur_id=user.organisation_id)
            scope |= deposited & Q(pk__in=solicited.values("action_id"))
        if user.has_role(RoleCode.PORTEUR) and user.organisation_id:
            scope |= Q(porteur_id=user.organisation_id)
        return self.filter(scope)

    def with_montant_demande(self):
        """`montant_demande`: the total asked from every funder of each action (0 if none)."""
        demande = (
            Financement.objects.filter(action=OuterRef("pk"))
            .order_by()
            .values("action")
            .annotate(total=Sum("montant_demande"))
            .values("total")
        )
        money = models.DecimalField(max_digits=14, decimal_places=2)
        return self.annotate(
            montant_demande=Coalesce(
                Subquery(demande, output_field=money), Value(Decimal("0")), output_field=money
            )
        )

    def with_list_related_data(self):
        """What a list of actions shows, in one query."""
        return self.select_related("appel__contrat", "porteur", "pilier").with_montant_demande()


class Action(models.Model):
    """One action for one year, from the application (CERFA 12156) to its bilan."""

    appel = models.ForeignKey(
        AppelAProjets,
        verbose_name="appel à projets",
        on_delete=models.PROTECT,
        related_name="actions",
    )
    porteur = models.ForeignKey(
        Organisation, verbose_name="porteur", on_delete=models.PROTECT, related_name="actions"
    )
    etat = models.CharField(
        "état", max_length=20, choices=EtatAction.choices, default=EtatAction.BROUILLON
    )
    intitule = models.CharField("intitulé", max_length=255)
    description = models.TextField("description", blank=True)
    objectifs_action = models.TextField("objectifs de l'action", blank=True)
    pilier = models.ForeignKey(
        Pilier, verbose_name="pilier", on_delete=models.PROTECT, null=True, blank=True
    )
    objectif = models.ForeignKey(
        Objectif,
        verbose_name="objectif opérationnel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    axes = models.ManyToManyField(AxeTransversal, verbose_name="axes transversaux", blank=True)
    thematique = models.ForeignKey(
        ThematiqueANCT,
        verbose_name="thématique ANCT",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    public_vise = models.TextField("public visé", blank=True)
    beneficiaires_prevus = models.PositiveIntegerField(
        "nombre de bénéficiaires prévus", null=True, blank=True
    )
    part_femmes = models.DecimalField(
        "part de femmes (%)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    part_qpv = models.DecimalField(
        "part d'habitants des QPV (%)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    tranches_age = models.CharField("tranches d'âge", max_length=255, blank=True)
    date_debut = models.DateField("date de début", null=True, blank=True)
    date_fin = models.DateField("date de fin", null=True, blank=True)
    lieux = models.TextField("lieux", blank=True)
    moyens_humains = models.TextField("moyens humains", blank=True)
    est_reconduction = models.BooleanField("reconduction", default=False)
    reconduction_de = models.ForeignKey(
        "self",
        verbose_name="action reconduite",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reconductions",
    )
    instructeur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="instructeur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions_instruites",
    )
    montant_a_reverser = models.DecimalField(
        "montant à reverser", **MONEY, null=True, blank=True, validators=POSITIVE
    )
    cree_le = models.DateTimeField("créée le", default=timezone.now, editable=False)
    deposee_le = models.DateTimeField("déposée le", null=True, blank=True, editable=False)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = "action"
        verbose_name_plural = "actions"
        ordering = ["-appel__annee", "intitule"]

    def __str__(self):
        return self.intitule

    @property
    def contrat(self):
        return self.appel.contrat

    def clean(self):
        errors = {}
        if self.date_debut and self.date_fin and self.date_fin < self.date_debut:
            errors["date_fin"] = "La date de fin doit suivre la date de début."
        if self.pilier_id and self.appel_id and self.pilier.contrat_id != self.appel.contrat_id:
            errors["pilier"] = "Ce pilier appartient à un autre contrat."
        if self.objectif_id and self.pilier_id and self.objectif.pilier_id != self.pilier_id:
            errors["objectif"] = "Cet objectif relève d'un autre pilier."
        if self.reconduction_de_id and self.reconduction_de.porteur_id != self.porteur_id:
            errors["reconduction_de"] = "Une reconduction reprend une action du même porteur."
        if errors:
            raise ValidationError(errors)


class ActionScopedQuerySet(models.QuerySet):
    contrat_path = "action__appel__contrat"

    def for_user(self, user):
        """Visible with the action it belongs to."""
        return self.filter(action__in=Action.objects.for_user(user))


class ActionQuartier(models.Model):
    """The share of an action carried out in one quartier."""

    action = models.ForeignKey(
        Action, verbose_name="action", on_delete=models.CASCADE, related_name="quartiers"
    )
    quartier = models.ForeignKey(Quartier, verbose_name="quartier", on_delete=models.PROTECT)
    part = models.DecimalField(
        "part de l'action (%)", max_digits=5, decimal_places=2, validators=PERCENT
    )

    objects = ActionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "quartier de l'action"
        verbose_name_plural = "quartiers de l'action"
        ordering = ["action", "-part"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "quartier"],
                name="action_quartier_unique",
                violation_error_message="Ce quartier est déjà indiqué pour cette action.",
            )
        ]

    def __str__(self):
        return f"{self.quartier} ({self.part} %)"

    def clean(self):
        if (
            self.quartier_id
            and self.action_id
            and self.quartier.contrat_id != self.action.appel.contrat_id
        ):
            raise ValidationError({"quartier": "Ce quartier relève d'un autre contrat."})


class Indicateur(models.Model):
    """An evaluation indicator of the action: its target, then what was achieved."""

    action = models.ForeignKey(
        Action, verbose_name="action", on_delete=models.CASCADE, related_name="indicateurs"
    )
    libelle = models.CharField("indicateur", max_length=255)
    cible = models.DecimalField("cible", max_digits=12, decimal_places=2, null=True, blank=True)
    realise = models.DecimalField("réalisé", max_digits=12, decimal_places=2, null=True, blank=True)

    objects = ActionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "indicateur d'évaluation"
        verbose_name_plural = "indicateurs d'évaluation"
        ordering = ["action", "id"]

    def __str__(self):
        return self.libelle


class Financement(models.Model):
    """What a funder is asked for, proposes and grants for an action."""

    action = models.ForeignKey(
        Action, verbose_name="action", on_delete=models.CASCADE, related_name="financements"
    )
    financeur = models.ForeignKey(
        Organisation, verbose_name="financeur", on_delete=models.PROTECT, related_name="+"
    )
    nature = models.CharField(
        "nature",
        max_length=20,
        choices=NatureFinancement.choices,
        default=NatureFinancement.SPECIFIQUE,
    )
    montant_demande = models.DecimalField("montant demandé", **MONEY, validators=POSITIVE)
    montant_propose = models.DecimalField(
        "montant proposé", **MONEY, null=True, blank=True, validators=POSITIVE
    )
    montant_accorde = models.DecimalField(
        "montant accordé", **MONEY, null=True, blank=True, validators=POSITIVE
    )

    objects = ActionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "financement"
        verbose_name_plural = "financements"
        ordering = ["action", "financeur__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "financeur", "nature"],
                name="financement_unique",
                violation_error_message="Ce financeur est déjà sollicité pour cette action.",
            )
        ]

    def __str__(self):
        return f"{self.financeur} — {self.action}"


class LigneBudget(models.Model):
    """A line of the action's budget (CERFA chart of accounts): forecast, then realised."""

    action = models.ForeignKey(
        Action, verbose_name="action", on_delete=models.CASCADE, related_name="lignes_budget"
    )
    compte = models.CharField("compte", max_length=2, choices=COMPTE_CHOICES)
    libelle = models.CharField("libellé", max_length=255, blank=True)
    financeur = models.ForeignKey(
        Organisation,
        verbose_name="financeur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Pour une ligne de subvention (compte 74).",
    )
    montant_previsionnel = models.DecimalField(
        "prévisionnel", **MONEY, default=Decimal("0"), validators=POSITIVE
    )
    montant_realise = models.DecimalField(
        "réalisé", **MONEY, null=True, blank=True, validators=POSITIVE
    )
    justification_ecart = models.TextField("explication de l'écart", blank=True)

    objects = ActionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "ligne de budget"
        verbose_name_plural = "lignes de budget"
        ordering = ["action", "compte", "id"]

    def __str__(self):
        return f"{self.get_compte_display()} {self.libelle}".strip()

    @property
    def cote(self):
        return COMPTES[self.compte][0]

    def clean(self):
        if self.financeur_id and self.compte != COMPTE_SUBVENTIONS:
            raise ValidationError(
                {"financeur": "Seule une ligne de subvention (compte 74) nomme un financeur."}
            )


class Avis(models.Model):
    """A solicited funder's opinion; the private annotation is for instructors only."""

    action = models.ForeignKey(
        Action, verbose_name="action", on_delete=models.CASCADE, related_name="avis"
    )
    financeur = models.ForeignKey(
        Organisation, verbose_name="financeur", on_delete=models.PROTECT, related_name="+"
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.PROTECT, related_name="+"
    )
    sens = models.CharField("avis", max_length=20, choices=SensAvis.choices)
    montant_propose = models.DecimalField(
        "montant proposé", **MONEY, null=True, blank=True, validators=POSITIVE
    )
    commentaire = models.TextField("commentaire", blank=True)
    annotation_privee = models.TextField(
        "annotation privée", blank=True, help_text="Visible des seuls instructeurs."
    )
    date = models.DateTimeField("date", default=timezone.now)

    objects = ActionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "avis"
        verbose_name_plural = "avis"
        ordering = ["action", "financeur__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "financeur"],
                name="avis_unique",
                violation_error_message="Ce financeur a déjà rendu son avis sur cette action.",
            )
        ]

    def __str__(self):
        return f"{self.get_sens_display()} — {self.financeur}"


class TransitionQuerySet(ActionScopedQuerySet):
    """The history is append-only, in bulk too (deleting an action still takes its history)."""

    def update(self, **kwargs):
        raise ValidationError("L'historique d'une action ne se modifie pas.")

    def delete(self):
        raise ValidationError("L'historique d'une action ne se supprime pas.")


class TransitionAction(models.Model):
    """One step of an action's workflow, recorded once and never changed."""

    action = models.ForeignKey(
        Action, verbose_name="action", on_delete=models.CASCADE, related_name="transitions"
    )
    code = models.CharField("transition", max_length=40)
    etat_avant = models.CharField("état avant", max_length=20, choices=EtatAction.choices)
    etat_apres = models.CharField("état après", max_length=20, choices=EtatAction.choices)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.PROTECT,
        related_name="+",
    )
    date = models.DateTimeField("date", default=timezone.now)
    commentaire = models.TextField("commentaire", blank=True)

    objects = TransitionQuerySet.as_manager()

    class Meta:
        verbose_name = "étape du circuit"
        verbose_name_plural = "étapes du circuit"
        ordering = ["action", "date", "id"]

    def __str__(self):
        return f"{self.get_etat_avant_display()} → {self.get_etat_apres_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("L'historique d'une action ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("L'historique d'une action ne se supprime pas.")


# Conventions and payments ------------------------------------------------------------------


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


class ConventionScopedQuerySet(models.QuerySet):
    contrat_path = "convention__action__appel__contrat"

    def for_user(self, user):
        """Visible with the convention (hence the action) it belongs to."""
        return self.filter(convention__in=Convention.objects.for_user(user))


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


class BilanScopedQuerySet(models.QuerySet):
    contrat_path = "bilan__action__appel__contrat"

    def for_user(self, user):
        """Visible with the bilan (hence the action) it belongs to."""
        return self.filter(bilan__in=Bilan.objects.for_user(user))


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
        if (
            self.quartier_id
            and self.bilan_id
            and self.quartier.contrat_id != self.bilan.action.appel.contrat_id
        ):
            raise ValidationError({"quartier": "Ce quartier relève d'un autre contrat."})


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
