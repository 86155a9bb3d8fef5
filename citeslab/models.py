"""CitésLab: would-be entrepreneurs of the quartiers (bénéficiaires), the meetings with them,
their business projects and each project's dated stages, the referrals to partners, the
businesses created and their survival, and the events.

Personal data, handled as in the PRE: identity fields and free notes are encrypted at rest
(django-fernet-encrypted-fields, keys from settings.SALT_KEY; an empty one is stored as
NULL, hence null=True on the optional ones), a record's `__str__` never
shows a name, and `for_user()` lets only the CitésLab staff of the contract (role « chargé
CitésLab » on that contract) reach any record — not the PDV team, not partners, not
superusers. Statistics leave as counts through selectors, never through these querysets.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from encrypted_fields.fields import EncryptedCharField, EncryptedEmailField, EncryptedTextField

from cdv.enums import RoleCode
from cdv.models import AppendOnlyMixin, Contrat, ContratScopedQuerySet, Organisation
from cdv.validators import validate_siret
from citeslab.enums import (
    CanalEntree,
    Etape,
    FormeJuridique,
    IssueOrientation,
    KindEvenement,
    KindRencontre,
    NiveauFormation,
    PartenaireKind,
    SecteurActivite,
    Sexe,
    StatutEmploi,
)
from quartiers.models import Quartier

AGE_MIN, AGE_MAX = 15, 100


def _anonymous(user):
    return user is None or not user.is_authenticated


def contrats_citeslab(user):
    """The contracts whose CitésLab `user` works in: those it is assigned to with the role
    chargé CitésLab. Being a superuser gives none."""
    if _anonymous(user) or not user.has_role(RoleCode.CHARGE_CITESLAB):
        return Contrat.objects.none()
    return Contrat.objects.filter(users=user)


def valider_annee_naissance(annee):
    """A plausible birth year for an adult entrepreneur (15 to 100 years old this year)."""
    courante = timezone.localdate().year
    if not courante - AGE_MAX <= annee <= courante - AGE_MIN:
        raise ValidationError(
            "L'année de naissance doit être comprise entre %(min)s et %(max)s.",
            code="annee_naissance",
            params={"min": courante - AGE_MAX, "max": courante - AGE_MIN},
        )


def _verifier_quartier(quartier, contrat_id, champ="quartier"):
    if quartier is not None and contrat_id is not None and quartier.contrat_id != contrat_id:
        raise ValidationError({champ: "Choisissez un quartier de ce contrat de ville."})


class ParContratCitesLab(models.QuerySet):
    """Records reached through the contract they hang from (`contrat_path`): the CitésLab
    staff of that contract only."""

    contrat_path = "contrat"

    def for_user(self, user):
        return self.filter(**{f"{self.contrat_path}__in": contrats_citeslab(user)})


# Configuration ---------------------------------------------------------------------------


class ConfigurationCitesLab(models.Model):
    """The settings of one contract's CitésLab (no personal data: read by the contract's
    users like the PRE's configuration)."""

    contrat = models.OneToOneField(
        Contrat, verbose_name="contrat", on_delete=models.CASCADE, related_name="citeslab"
    )
    structure = models.ForeignKey(
        Organisation,
        verbose_name="structure porteuse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    seuil_masquage = models.PositiveIntegerField(
        "seuil de masquage des petits effectifs",
        default=3,
        validators=[MinValueValidator(1)],
        help_text="Dans les statistiques des partenaires, un effectif inférieur s'affiche "
        "« < seuil ».",
    )

    objects = ContratScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "configuration de CitésLab"
        verbose_name_plural = "configurations de CitésLab"

    def __str__(self):
        return f"CitésLab — {self.contrat}"


# People ----------------------------------------------------------------------------------


class Beneficiaire(models.Model):
    """A resident met by CitésLab with a business idea."""

    contrat = models.ForeignKey(
        Contrat, verbose_name="contrat", on_delete=models.PROTECT, related_name="beneficiaires"
    )
    nom = EncryptedCharField("nom", max_length=100)
    prenom = EncryptedCharField("prénom", max_length=100)
    telephone = EncryptedCharField("téléphone", max_length=30, null=True, blank=True)
    email = EncryptedEmailField("adresse électronique", null=True, blank=True)
    # In clear: the statistics count by them.
    sexe = models.CharField("sexe", max_length=1, choices=Sexe.choices)
    annee_naissance = models.PositiveIntegerField(
        "année de naissance", validators=[valider_annee_naissance]
    )
    commune = models.CharField("commune de résidence", max_length=100)
    quartier = models.ForeignKey(
        Quartier,
        verbose_name="quartier de résidence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Vide : hors des quartiers (QPV et QVA) du contrat.",
    )
    statut_emploi = models.CharField(
        "situation vis-à-vis de l'emploi", max_length=20, choices=StatutEmploi.choices
    )
    niveau_formation = models.CharField(
        "niveau de formation", max_length=20, choices=NiveauFormation.choices, blank=True
    )
    canal_entree = models.CharField("venu par", max_length=20, choices=CanalEntree.choices)
    date_premier_contact = models.DateField("premier contact le")
    consentement = models.BooleanField(
        "consentement au traitement des données",
        default=False,
        help_text="La personne a accepté que ses données soient enregistrées.",
    )
    date_consentement = models.DateField("consentement donné le", null=True, blank=True)
    cree_le = models.DateTimeField("créé le", default=timezone.now, editable=False)

    objects = ParContratCitesLab.as_manager()

    class Meta:
        verbose_name = "bénéficiaire"
        verbose_name_plural = "bénéficiaires"
        ordering = ["contrat", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consentement=False) | models.Q(date_consentement__isnull=False),
                name="citeslab_consentement_date",
                violation_error_message="Indiquez la date du consentement.",
            )
        ]

    def __str__(self):
        # Never a name: this string reaches logs, error pages and the admin's history.
        return f"Bénéficiaire n° {self.pk}"

    def clean(self):
        errors = {}
        try:
            _verifier_quartier(self.quartier, self.contrat_id)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if self.consentement and self.date_consentement is None:
            errors["date_consentement"] = "Indiquez la date du consentement."
        if not self.consentement and self.date_consentement is not None:
            errors["consentement"] = "Une date de consentement suppose le consentement coché."
        if errors:
            raise ValidationError(errors)

    @property
    def nom_complet(self):
        return f"{self.prenom} {self.nom}".strip()


class ParBeneficiaire(ParContratCitesLab):
    contrat_path = "beneficiaire__contrat"


# Meetings --------------------------------------------------------------------------------


class Rencontre(models.Model):
    """A meeting with one or more beneficiaries: information session, individual interview,
    permanence in a quartier, workshop, contact at the Bpifrance kiosk."""

    contrat = models.ForeignKey(
        Contrat, verbose_name="contrat", on_delete=models.PROTECT, related_name="rencontres"
    )
    date = models.DateField("date")
    kind = models.CharField("type", max_length=30, choices=KindRencontre.choices)
    duree_minutes = models.PositiveIntegerField(
        "durée (minutes)", validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    lieu = models.CharField("lieu", max_length=255, blank=True)
    quartier = models.ForeignKey(
        Quartier,
        verbose_name="quartier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = EncryptedTextField("notes", null=True, blank=True)
    beneficiaires = models.ManyToManyField(
        Beneficiaire, verbose_name="bénéficiaires", blank=True, related_name="rencontres"
    )

    objects = ParContratCitesLab.as_manager()

    class Meta:
        verbose_name = "rencontre"
        verbose_name_plural = "rencontres"
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y}"

    def clean(self):
        _verifier_quartier(self.quartier, self.contrat_id)
        if self.kind == KindRencontre.PERMANENCE and not self.lieu:
            raise ValidationError({"lieu": "Indiquez le lieu de la permanence."})

    def valider_beneficiaires(self, beneficiaires):
        """The participants a form or service is about to set (many-to-many values cannot be
        checked in clean(), before the meeting is saved): people of the same contract, and
        exactly one for an individual interview."""
        beneficiaires = list(beneficiaires)
        if any(b.contrat_id != self.contrat_id for b in beneficiaires):
            raise ValidationError({"beneficiaires": "Choisissez des bénéficiaires de ce contrat."})
        if self.kind == KindRencontre.ENTRETIEN_INDIVIDUEL and len(beneficiaires) != 1:
            raise ValidationError(
                {"beneficiaires": "Un entretien individuel concerne un seul bénéficiaire."}
            )


# Business projects -------------------------------------------------------------------------


class ProjetCreation(models.Model):
    """A beneficiary's business idea and how far it went. The stage changes only through
    citeslab.services (the transitions table, the dated history below)."""

    beneficiaire = models.ForeignKey(
        Beneficiaire,
        verbose_name="bénéficiaire",
        on_delete=models.CASCADE,
        related_name="projets",
    )
    idee = EncryptedTextField("idée", help_text="Le projet en quelques mots.")
    secteur = models.CharField("secteur d'activité", max_length=30, choices=SecteurActivite.choices)
    etape = models.CharField(
        "étape", max_length=20, choices=Etape.choices, default=Etape.SENSIBILISE, editable=False
    )
    date_etape = models.DateField("étape atteinte le", editable=False)

    objects = ParBeneficiaire.as_manager()

    class Meta:
        verbose_name = "projet de création"
        verbose_name_plural = "projets de création"
        ordering = ["beneficiaire", "id"]

    def __str__(self):
        return f"Projet n° {self.pk} (bénéficiaire n° {self.beneficiaire_id})"


class ParProjet(ParContratCitesLab):
    contrat_path = "projet__beneficiaire__contrat"


class EtapeProjet(AppendOnlyMixin, models.Model):
    """One dated stage change of a project, written once, never changed. Deleting the
    beneficiary (right to erasure) takes its history with it."""

    append_only_nom = "L'historique d'un projet"

    projet = models.ForeignKey(
        ProjetCreation, verbose_name="projet", on_delete=models.CASCADE, related_name="historique"
    )
    etape_precedente = models.CharField(
        "étape précédente", max_length=20, choices=Etape.choices, blank=True
    )
    etape = models.CharField("étape", max_length=20, choices=Etape.choices)
    date = models.DateField("date")
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.PROTECT,
        related_name="+",
    )
    enregistre_le = models.DateTimeField("enregistré le", default=timezone.now)

    objects = ParProjet.as_manager()

    class Meta:
        verbose_name = "étape d'un projet"
        verbose_name_plural = "historique des projets"
        ordering = ["projet", "date", "id"]

    def __str__(self):
        return f"{self.get_etape_display()} le {self.date:%d/%m/%Y} (projet n° {self.projet_id})"


class Orientation(models.Model):
    """A referral of a project to a partner, and what came of it."""

    projet = models.ForeignKey(
        ProjetCreation,
        verbose_name="projet",
        on_delete=models.CASCADE,
        related_name="orientations",
    )
    partenaire = models.CharField("partenaire", max_length=20, choices=PartenaireKind.choices)
    organisme = models.CharField(
        "organisme", max_length=255, blank=True, help_text="Par exemple : le nom de la banque."
    )
    date = models.DateField("orienté le")
    issue = models.CharField(
        "issue",
        max_length=20,
        choices=IssueOrientation.choices,
        default=IssueOrientation.EN_ATTENTE,
    )
    date_issue = models.DateField("issue connue le", null=True, blank=True)
    commentaire = EncryptedTextField("commentaire", null=True, blank=True)

    objects = ParProjet.as_manager()

    class Meta:
        verbose_name = "orientation vers un partenaire"
        verbose_name_plural = "orientations vers des partenaires"
        ordering = ["projet", "-date", "id"]

    def __str__(self):
        return f"Orientation {self.get_partenaire_display()} du {self.date:%d/%m/%Y}"

    def clean(self):
        if self.partenaire == PartenaireKind.AUTRE and not self.organisme:
            raise ValidationError({"organisme": "Indiquez l'organisme."})
        if self.date_issue and self.date and self.date_issue < self.date:
            raise ValidationError({"date_issue": "L'issue ne peut précéder l'orientation."})
        if self.issue == IssueOrientation.EN_ATTENTE and self.date_issue:
            raise ValidationError({"issue": "Indiquez l'issue connue à cette date."})


def anniversaire(jour, annees):
    try:
        return jour.replace(year=jour.year + annees)
    except ValueError:  # 29 February
        return jour.replace(year=jour.year + annees, day=28)


class Creation(models.Model):
    """The business a project became, and whether it is still active after 1 and 3 years
    (empty: not yet known). Its name and SIRET are encrypted: a sole trader's SIRET leads to
    the person's name in the public directory."""

    projet = models.OneToOneField(
        ProjetCreation, verbose_name="projet", on_delete=models.CASCADE, related_name="creation"
    )
    date = models.DateField("date de création")
    forme_juridique = models.CharField(
        "forme juridique", max_length=20, choices=FormeJuridique.choices
    )
    secteur = models.CharField("secteur d'activité", max_length=30, choices=SecteurActivite.choices)
    denomination = EncryptedCharField("dénomination", max_length=255, null=True, blank=True)
    siret = EncryptedCharField(
        "SIRET",
        max_length=14,
        null=True,
        blank=True,
        validators=[validate_siret],
        help_text="14 chiffres, sans espace.",
    )
    active_1_an = models.BooleanField("active à 1 an", null=True, blank=True)
    active_3_ans = models.BooleanField("active à 3 ans", null=True, blank=True)

    objects = ParProjet.as_manager()

    class Meta:
        verbose_name = "entreprise créée"
        verbose_name_plural = "entreprises créées"
        ordering = ["-date", "id"]

    def __str__(self):
        return f"Entreprise créée le {self.date:%d/%m/%Y} (projet n° {self.projet_id})"

    def clean(self):
        errors = {}
        if self.projet_id and self.projet.etape != Etape.CREE:
            errors["projet"] = "Passez d'abord le projet à l'étape « Créé »."
        aujourdhui = timezone.localdate()
        if self.date:
            if self.date > aujourdhui:
                errors["date"] = "La date de création ne peut être dans le futur."
            for champ, annees in (("active_1_an", 1), ("active_3_ans", 3)):
                echeance = anniversaire(self.date, annees)
                if getattr(self, champ) is not None and echeance > aujourdhui:
                    errors[champ] = (
                        f"L'entreprise n'aura {annees} an{'s' if annees > 1 else ''} "
                        f"que le {echeance:%d/%m/%Y}."
                    )
        if self.active_1_an is False and self.active_3_ans:
            errors["active_3_ans"] = "Une entreprise fermée à 1 an ne peut être active à 3 ans."
        if errors:
            raise ValidationError(errors)


# Events ------------------------------------------------------------------------------------


class Evenement(models.Model):
    """An event run or attended by CitésLab: how many came, and who when known."""

    contrat = models.ForeignKey(
        Contrat, verbose_name="contrat", on_delete=models.PROTECT, related_name="evenements"
    )
    kind = models.CharField("type", max_length=30, choices=KindEvenement.choices)
    titre = models.CharField("titre", max_length=255)
    date = models.DateField("date")
    lieu = models.CharField("lieu", max_length=255, blank=True)
    quartier = models.ForeignKey(
        Quartier,
        verbose_name="quartier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    partenaires = models.ManyToManyField(
        Organisation, verbose_name="partenaires", blank=True, related_name="+"
    )
    participants = models.PositiveIntegerField(
        "nombre de participants", default=0, help_text="Toutes les personnes venues."
    )
    inscrits = models.ManyToManyField(
        Beneficiaire,
        verbose_name="bénéficiaires inscrits",
        blank=True,
        related_name="evenements",
    )

    objects = ParContratCitesLab.as_manager()

    class Meta:
        verbose_name = "événement"
        verbose_name_plural = "événements"
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.titre} ({self.date:%d/%m/%Y})"

    def clean(self):
        _verifier_quartier(self.quartier, self.contrat_id)
        if self.pk is not None:
            self._verifier_participants(self.inscrits.count())

    def _verifier_participants(self, nombre_inscrits):
        if self.participants is not None and self.participants < nombre_inscrits:
            raise ValidationError(
                {
                    "participants": f"Le nombre de participants ({self.participants}) ne peut "
                    f"être inférieur au nombre de bénéficiaires inscrits ({nombre_inscrits})."
                }
            )

    def valider_inscrits(self, beneficiaires):
        """The registered beneficiaries a form or service is about to set: of this contract,
        and no more than the participants."""
        beneficiaires = list(beneficiaires)
        if any(b.contrat_id != self.contrat_id for b in beneficiaires):
            raise ValidationError({"inscrits": "Choisissez des bénéficiaires de ce contrat."})
        self._verifier_participants(len(beneficiaires))
