"""The programme de réussite éducative: children and families, referrals, EPS commissions,
pathways and their actions, budget, and the log of who read a child's record.

Minors' personal data: every identity field is encrypted at rest (django-fernet-encrypted-
fields, keys from the environment: settings.SALT_KEY), a record's `__str__` never shows a
name, and `for_user()` lets only the PRE's staff of the contract — and an EPS member for
the children on its own commissions' agendas — reach a child. Statistics leave as counts
(pre/selectors.py), never through these querysets.
"""

import secrets
from datetime import timedelta
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from encrypted_fields.fields import (
    EncryptedCharField,
    EncryptedDateField,
    EncryptedEmailField,
    EncryptedIntegerField,
    EncryptedTextField,
)

from cdv.enums import RoleCode
from cdv.models import AppendOnlyMixin, Contrat, ContratScopedQuerySet, Organisation
from pre.enums import (
    Adhesion,
    AxeParcours,
    DecisionEPS,
    Education,
    EtatParcours,
    KindReperant,
    MotifReperage,
    MotifSortie,
    NiveauClasse,
    Sexe,
    TypeEtablissement,
)
from quartiers.models import Quartier

MONEY = {"max_digits": 12, "decimal_places": 2}
# An EPS member reaches a child while it is on the agenda of one of its team's commissions:
# from the referral's registration until this many days after the commission (the minutes).
ACCES_EPS_JOURS = 90
POSITIVE = [MinValueValidator(Decimal("0"))]
PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


def _anonymous(user):
    return user is None or not user.is_authenticated


def contrats_pre(user):
    """The contracts whose PRE `user` works in as PRE staff (référent or coordinator)."""
    if _anonymous(user) or not user.has_role(RoleCode.REFERENT_PRE):
        return Contrat.objects.none()
    return Contrat.objects.for_user(user)


def document_upload_to(instance, filename):
    """A random name: a file's address reveals neither the family nor its content."""
    return f"pre/{secrets.token_urlsafe(24)}{PurePath(filename).suffix.lower()[:8]}"


# Configuration and reference data ------------------------------------------------------


class ConfigurationPRE(models.Model):
    """The settings of one contract's PRE."""

    contrat = models.OneToOneField(
        Contrat, verbose_name="contrat", on_delete=models.CASCADE, related_name="pre"
    )
    structure = models.ForeignKey(
        Organisation,
        verbose_name="structure porteuse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    coordinateur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="coordinateur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Consulte le journal des accès aux dossiers des enfants.",
    )
    plafond_file_active = models.PositiveIntegerField(
        "plafond de la file active",
        default=35,
        validators=[MinValueValidator(1)],
        help_text="Au-delà, les nouvelles entrées vont en liste d'attente.",
    )
    seuil_masquage = models.PositiveIntegerField(
        "seuil de masquage des petits effectifs",
        default=3,
        validators=[MinValueValidator(1)],
        help_text="Dans les statistiques, un effectif inférieur s'affiche « < seuil ».",
    )
    conservation_annees = models.PositiveIntegerField(
        "durée de conservation après la sortie (années)",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Ensuite, les données personnelles du parcours sont anonymisées.",
    )

    objects = ContratScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "configuration du PRE"
        verbose_name_plural = "configurations du PRE"

    def __str__(self):
        return f"PRE — {self.contrat}"


class EtablissementQuerySet(models.QuerySet):
    def for_user(self, user):
        """Schools are public reference data: every signed-in user reads them."""
        return self.none() if _anonymous(user) else self


class Etablissement(models.Model):
    uai = models.CharField(
        "code UAI",
        max_length=8,
        unique=True,
        validators=[
            RegexValidator(
                r"^\d{7}[A-Z]$", "Le code UAI compte 7 chiffres et une lettre (0110012A)."
            )
        ],
    )
    nom = models.CharField("nom", max_length=255)
    type = models.CharField("type", max_length=20, choices=TypeEtablissement.choices)
    education_prioritaire = models.CharField(
        "éducation prioritaire", max_length=10, choices=Education.choices, blank=True
    )
    commune = models.CharField("commune", max_length=100, blank=True)
    quartier = models.ForeignKey(
        Quartier,
        verbose_name="quartier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="etablissements",
    )

    objects = EtablissementQuerySet.as_manager()

    class Meta:
        verbose_name = "établissement scolaire"
        verbose_name_plural = "établissements scolaires"
        ordering = ["nom"]

    def __str__(self):
        return f"{self.nom} ({self.uai})"


class TrancheTarifaire(models.Model):
    """A line of the price grid: families whose quotient familial falls between the bounds
    pay this share of an action's cost."""

    contrat = models.ForeignKey(
        Contrat, verbose_name="contrat", on_delete=models.CASCADE, related_name="grille_pre"
    )
    qf_min = models.PositiveIntegerField("quotient familial à partir de (€)")
    qf_max = models.PositiveIntegerField(
        "jusqu'à (€, inclus)", null=True, blank=True, help_text="Vide : sans limite."
    )
    part_famille = models.DecimalField(
        "part payée par la famille (%)", max_digits=5, decimal_places=2, validators=PERCENT
    )

    objects = ContratScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "tranche de la grille tarifaire"
        verbose_name_plural = "grille tarifaire du PRE"
        ordering = ["contrat", "qf_min"]

    def __str__(self):
        fin = f"{self.qf_max} €" if self.qf_max is not None else "plus"
        return f"{self.qf_min} € à {fin} : {self.part_famille} %"

    def clean(self):
        if self.qf_max is not None and self.qf_max < self.qf_min:
            raise ValidationError({"qf_max": "La borne haute précède la borne basse."})


class BudgetPRE(models.Model):
    contrat = models.ForeignKey(
        Contrat, verbose_name="contrat", on_delete=models.CASCADE, related_name="budgets_pre"
    )
    annee = models.PositiveIntegerField("année")
    financeur = models.ForeignKey(
        Organisation, verbose_name="financeur", on_delete=models.PROTECT, related_name="+"
    )
    montant = models.DecimalField("montant", **MONEY, validators=POSITIVE)

    objects = ContratScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "budget du PRE"
        verbose_name_plural = "budgets du PRE"
        ordering = ["contrat", "annee", "financeur__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["contrat", "annee", "financeur"],
                name="pre_budget_unique",
                violation_error_message="Ce financeur a déjà un budget pour cette année.",
            )
        ]

    def __str__(self):
        return f"{self.financeur} — {self.annee}"


# EPS teams and commissions -------------------------------------------------------------


class EquipeQuerySet(models.QuerySet):
    def for_user(self, user):
        """The PRE's staff see the teams of their contracts; a member its own teams."""
        if _anonymous(user):
            return self.none()
        return self.filter(Q(contrat__in=contrats_pre(user)) | Q(membres=user)).distinct()


class EquipeEPS(models.Model):
    """An équipe pluridisciplinaire de soutien (Ouest, Est…)."""

    contrat = models.ForeignKey(
        Contrat, verbose_name="contrat", on_delete=models.CASCADE, related_name="equipes_eps"
    )
    nom = models.CharField("nom", max_length=100)
    membres = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="membres", blank=True, related_name="equipes_eps"
    )

    objects = EquipeQuerySet.as_manager()

    class Meta:
        verbose_name = "équipe pluridisciplinaire de soutien"
        verbose_name_plural = "équipes pluridisciplinaires de soutien"
        ordering = ["contrat", "nom"]

    def __str__(self):
        return f"EPS {self.nom}"


class CommissionQuerySet(models.QuerySet):
    def for_user(self, user):
        """The commissions of the teams `user` sees."""
        return self.filter(equipe__in=EquipeEPS.objects.for_user(user))


class CommissionEPS(models.Model):
    equipe = models.ForeignKey(
        EquipeEPS, verbose_name="équipe", on_delete=models.PROTECT, related_name="commissions"
    )
    date = models.DateField("date")
    presents = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="présents", blank=True, related_name="+"
    )
    compte_rendu = EncryptedTextField("compte rendu", null=True, blank=True)

    objects = CommissionQuerySet.as_manager()

    class Meta:
        verbose_name = "commission de l'EPS"
        verbose_name_plural = "commissions des EPS"
        ordering = ["-date", "equipe"]

    def __str__(self):
        return f"Commission {self.equipe} du {self.date:%d/%m/%Y}"


# Children and families -------------------------------------------------------------------


class EnfantQuerySet(models.QuerySet):
    def for_user(self, user):
        """Seuls l'équipe du PRE du contrat (coordinateur, référents) et, pour les enfants
        inscrits à l'ordre du jour de leurs commissions à venir ou tenues depuis moins de
        ACCES_EPS_JOURS jours, les membres de l'EPS accèdent à un enfant. Personne d'autre —
        ni l'équipe politique de la ville, ni les partenaires, ni les superutilisateurs — n'y
        accède."""
        if _anonymous(user):
            return self.none()
        scope = Q(contrat__in=contrats_pre(user))
        if user.has_role(RoleCode.MEMBRE_EPS):
            depuis = timezone.localdate() - timedelta(days=ACCES_EPS_JOURS)
            scope |= Q(
                reperages__situations__commission__equipe__membres=user,
                reperages__situations__commission__date__gte=depuis,
            )
        return self.filter(scope).distinct()


class Enfant(models.Model):
    contrat = models.ForeignKey(
        Contrat, verbose_name="contrat", on_delete=models.PROTECT, related_name="enfants_pre"
    )
    # Blank once anonymised; the forms require them.
    nom = EncryptedCharField("nom", max_length=100, null=True, blank=True)
    prenom = EncryptedCharField("prénom", max_length=100, null=True, blank=True)
    date_naissance = EncryptedDateField("date de naissance", null=True, blank=True)
    # Kept in clear for the statistics (age brackets), which survive anonymisation.
    annee_naissance = models.PositiveIntegerField("année de naissance", editable=False)
    sexe = models.CharField("sexe", max_length=1, choices=Sexe.choices)
    quartier = models.ForeignKey(
        Quartier,
        verbose_name="quartier de résidence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Vide : hors des quartiers du contrat.",
    )
    etablissement = models.ForeignKey(
        Etablissement,
        verbose_name="établissement scolaire",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    niveau = models.CharField("classe", max_length=20, choices=NiveauClasse.choices, blank=True)
    cree_le = models.DateTimeField("créé le", default=timezone.now)
    anonymise_le = models.DateTimeField("anonymisé le", null=True, blank=True)
    version = models.PositiveIntegerField("version", default=1)

    objects = EnfantQuerySet.as_manager()

    class Meta:
        verbose_name = "enfant"
        verbose_name_plural = "enfants"
        ordering = ["contrat", "id"]

    def __str__(self):
        # Never a name: this string reaches logs, error pages and the admin's history.
        return f"Enfant n° {self.pk}"

    def save(self, *args, **kwargs):
        if self.date_naissance is not None:
            self.annee_naissance = self.date_naissance.year
        super().save(*args, **kwargs)

    def clean(self):
        if self.anonymise_le is None and self.date_naissance is None:
            raise ValidationError({"date_naissance": "Indiquez la date de naissance."})

    @property
    def nom_complet(self):
        if self.anonymise_le is not None:
            return "Enfant anonymisé"
        return f"{self.prenom or ''} {self.nom or ''}".strip()

    def age(self, jour):
        """Age in full years at `jour` (from the birth date, or from the birth year once
        anonymised, taking 1 July as the birthday)."""
        naissance = self.date_naissance
        if naissance is None:
            avant = (jour.month, jour.day) < (7, 1)
        else:
            avant = (jour.month, jour.day) < (naissance.month, naissance.day)
        return jour.year - self.annee_naissance - (1 if avant else 0)


class ParEnfant(models.QuerySet):
    """Records seen with the child they belong to (`enfant_path`)."""

    enfant_path = "enfant"

    def for_user(self, user):
        return self.filter(**{f"{self.enfant_path}__in": Enfant.objects.for_user(user)})


class ParEnfantEquipePRE(models.QuerySet):
    """A family's contacts, income and consent: the PRE's staff only, never an EPS member."""

    def for_user(self, user):
        return self.filter(enfant__contrat__in=contrats_pre(user))


class ResponsableLegal(models.Model):
    class Lien(models.TextChoices):
        MERE = "mere", "Mère"
        PERE = "pere", "Père"
        TUTEUR = "tuteur", "Tuteur ou tutrice"
        AUTRE = "autre", "Autre"

    enfant = models.ForeignKey(
        Enfant, verbose_name="enfant", on_delete=models.CASCADE, related_name="responsables"
    )
    lien = models.CharField("lien avec l'enfant", max_length=10, choices=Lien.choices)
    nom = EncryptedCharField("nom", max_length=100, null=True, blank=True)
    prenom = EncryptedCharField("prénom", max_length=100, null=True, blank=True)
    telephone = EncryptedCharField("téléphone", max_length=30, null=True, blank=True)
    email = EncryptedEmailField("adresse électronique", null=True, blank=True)
    adresse = EncryptedTextField("adresse postale", null=True, blank=True)
    quotient_familial = EncryptedIntegerField(
        "quotient familial (€)", null=True, blank=True, validators=[MinValueValidator(0)]
    )

    objects = ParEnfantEquipePRE.as_manager()

    class Meta:
        verbose_name = "responsable légal"
        verbose_name_plural = "responsables légaux"
        ordering = ["enfant", "id"]

    def __str__(self):
        return f"{self.get_lien_display()} de l'enfant n° {self.enfant_id}"


class Consentement(models.Model):
    """The family's written consent to the pathway, scanned, stored privately."""

    enfant = models.ForeignKey(
        Enfant, verbose_name="enfant", on_delete=models.CASCADE, related_name="consentements"
    )
    date = models.DateField("date de signature")
    document = models.FileField(
        "document signé", upload_to=document_upload_to, max_length=255, null=True, blank=True
    )
    type_mime = models.CharField("type", max_length=80, blank=True)

    objects = ParEnfantEquipePRE.as_manager()

    class Meta:
        verbose_name = "consentement de la famille"
        verbose_name_plural = "consentements des familles"
        ordering = ["enfant", "-date"]

    def __str__(self):
        return f"Consentement du {self.date:%d/%m/%Y} (enfant n° {self.enfant_id})"


def _valider_codes(valeurs, choix, champ, libelle):
    if not isinstance(valeurs, list) or any(v not in choix for v in valeurs):
        raise ValidationError({champ: f"Choisissez {libelle} dans la liste proposée."})


class Reperage(models.Model):
    """A referral: who spotted the child, when and why; it goes to an EPS commission."""

    enfant = models.ForeignKey(
        Enfant, verbose_name="enfant", on_delete=models.CASCADE, related_name="reperages"
    )
    date = models.DateField("date du repérage")
    reperant = models.CharField("repéré par", max_length=30, choices=KindReperant.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    motifs = models.JSONField("motifs", default=list, blank=True)
    commentaire = EncryptedTextField("commentaire", null=True, blank=True)

    objects = ParEnfant.as_manager()

    class Meta:
        verbose_name = "repérage"
        verbose_name_plural = "repérages"
        ordering = ["-date", "id"]

    def __str__(self):
        return f"Repérage du {self.date:%d/%m/%Y} (enfant n° {self.enfant_id})"

    def clean(self):
        _valider_codes(self.motifs, MotifReperage.values, "motifs", "les motifs")


class ParReperage(ParEnfant):
    enfant_path = "reperage__enfant"


class SituationCommission(models.Model):
    """A child's situation on a commission's agenda, and what the commission decided."""

    commission = models.ForeignKey(
        CommissionEPS,
        verbose_name="commission",
        on_delete=models.CASCADE,
        related_name="situations",
    )
    reperage = models.ForeignKey(
        Reperage, verbose_name="repérage", on_delete=models.CASCADE, related_name="situations"
    )
    decision = models.CharField("décision", max_length=30, choices=DecisionEPS.choices, blank=True)
    commentaire = EncryptedTextField("commentaire", null=True, blank=True)

    objects = ParReperage.as_manager()

    class Meta:
        verbose_name = "situation examinée en commission"
        verbose_name_plural = "situations examinées en commission"
        ordering = ["commission", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "reperage"],
                name="pre_situation_unique",
                violation_error_message="Cette situation est déjà à l'ordre du jour.",
            )
        ]

    def __str__(self):
        return f"Situation n° {self.pk} — {self.commission}"


# Pathways ---------------------------------------------------------------------------------


class ParcoursQuerySet(ParEnfant):
    def actifs_en(self, annee):
        """The pathways open at some point of `annee` (the file active of the year)."""
        return self.filter(
            etat__in=[EtatParcours.ACTIF, EtatParcours.CLOS],
            date_entree__year__lte=annee,
        ).filter(Q(date_sortie__isnull=True) | Q(date_sortie__year__gte=annee))


class Parcours(models.Model):
    """A child's individual pathway, from the EPS's decision (or the waiting list) to the
    exit."""

    enfant = models.ForeignKey(
        Enfant, verbose_name="enfant", on_delete=models.CASCADE, related_name="parcours"
    )
    reperage = models.ForeignKey(
        Reperage,
        verbose_name="repérage d'origine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parcours",
    )
    etat = models.CharField(
        "état", max_length=20, choices=EtatParcours.choices, default=EtatParcours.EN_ATTENTE
    )
    date_inscription = models.DateField("inscrit le", default=timezone.localdate)
    date_entree = models.DateField("entrée en parcours", null=True, blank=True)
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="référent de parcours",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parcours_pre",
    )
    axes = models.JSONField("axes", default=list, blank=True)
    objectifs = EncryptedTextField("objectifs", null=True, blank=True)
    adhesion = models.PositiveSmallIntegerField(
        "adhésion des parents", choices=Adhesion.choices, null=True, blank=True
    )
    date_sortie = models.DateField("sortie", null=True, blank=True)
    motif_sortie = models.CharField(
        "motif de sortie", max_length=30, choices=MotifSortie.choices, blank=True
    )
    satisfaction = models.JSONField(
        "questionnaire de satisfaction de la famille", null=True, blank=True
    )
    version = models.PositiveIntegerField("version", default=1)

    objects = ParcoursQuerySet.as_manager()

    class Meta:
        verbose_name = "parcours"
        verbose_name_plural = "parcours"
        ordering = ["-date_entree", "id"]

    def __str__(self):
        return f"Parcours n° {self.pk} (enfant n° {self.enfant_id})"

    def clean(self):
        errors = {}
        try:
            _valider_codes(self.axes, AxeParcours.values, "axes", "les axes")
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if self.etat in (EtatParcours.ACTIF, EtatParcours.CLOS) and self.date_entree is None:
            errors["date_entree"] = "Indiquez la date d'entrée en parcours."
        if self.etat == EtatParcours.CLOS:
            if self.date_sortie is None:
                errors["date_sortie"] = "Indiquez la date de sortie."
            if not self.motif_sortie:
                errors["motif_sortie"] = "Indiquez le motif de sortie."
        if self.date_entree and self.date_sortie and self.date_sortie < self.date_entree:
            errors["date_sortie"] = "La sortie ne peut précéder l'entrée."
        if errors:
            raise ValidationError(errors)


class ParParcours(ParEnfant):
    enfant_path = "parcours__enfant"


class ActionParcours(models.Model):
    """An action or service of a pathway, its cost shared between the PRE and the family
    by the price grid."""

    parcours = models.ForeignKey(
        Parcours, verbose_name="parcours", on_delete=models.CASCADE, related_name="actions"
    )
    axe = models.CharField("axe", max_length=20, choices=AxeParcours.choices)
    intitule = models.CharField("intitulé", max_length=255)
    prestataire = models.ForeignKey(
        Organisation,
        verbose_name="prestataire",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    date = models.DateField("date")
    cout = models.DecimalField("coût", **MONEY, validators=POSITIVE)
    part_famille = models.DecimalField("payé par la famille", **MONEY, validators=POSITIVE)
    part_pre = models.DecimalField("payé par le PRE", **MONEY, validators=POSITIVE)

    objects = ParParcours.as_manager()

    class Meta:
        verbose_name = "action du parcours"
        verbose_name_plural = "actions des parcours"
        ordering = ["parcours", "date", "id"]

    def __str__(self):
        return f"{self.intitule} ({self.date:%d/%m/%Y})"

    def clean(self):
        if (
            self.cout is not None
            and self.part_famille is not None
            and self.part_pre is not None
            and self.part_famille + self.part_pre != self.cout
        ):
            raise ValidationError(
                {"part_pre": "La part de la famille et celle du PRE doivent faire le coût."}
            )


class RevueParcours(models.Model):
    """A periodic review of a pathway."""

    parcours = models.ForeignKey(
        Parcours, verbose_name="parcours", on_delete=models.CASCADE, related_name="revues"
    )
    date = models.DateField("date")
    contenu = EncryptedTextField("contenu", null=True, blank=True)
    adhesion = models.PositiveSmallIntegerField(
        "adhésion des parents", choices=Adhesion.choices, null=True, blank=True
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ParParcours.as_manager()

    class Meta:
        verbose_name = "revue de parcours"
        verbose_name_plural = "revues de parcours"
        ordering = ["parcours", "date", "id"]

    def __str__(self):
        return f"Revue du {self.date:%d/%m/%Y} (parcours n° {self.parcours_id})"


# The log of reads ------------------------------------------------------------------------


class JournalQuerySet(models.QuerySet):
    def for_user(self, user):
        """Le coordinateur du PRE consulte le journal des accès aux dossiers des enfants de
        son contrat ; personne d'autre."""
        if _anonymous(user):
            return self.none()
        return self.filter(contrat__in=contrats_pre(user).filter(pre__coordinateur=user))


class JournalAcces(AppendOnlyMixin, models.Model):
    """Who read which child's record, when and through what — written once, never
    changed. The child is kept as a number (not a link) so that erasing a family keeps the
    trace of earlier reads."""

    append_only_nom = "Le journal des accès"

    contrat = models.ForeignKey(
        Contrat, verbose_name="contrat", on_delete=models.CASCADE, related_name="+"
    )
    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.PROTECT,
        related_name="+",
    )
    enfant_numero = models.PositiveIntegerField("enfant n°")
    date = models.DateTimeField("date", default=timezone.now)
    objet = models.CharField(
        "accès", max_length=100, help_text="Page, API ou export par lequel le dossier a été lu."
    )

    objects = JournalQuerySet.as_manager()

    class Meta:
        verbose_name = "accès à un dossier d'enfant"
        verbose_name_plural = "journal des accès aux dossiers"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["contrat", "enfant_numero"], name="pre_journal_idx")]

    def __str__(self):
        return f"{self.date:%d/%m/%Y %H:%M} — enfant n° {self.enfant_numero}"
