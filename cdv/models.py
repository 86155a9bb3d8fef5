"""The contract core: organisations, users and roles, the contract's frame, governance."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property

from cdv.enums import InstanceKind, NiveauObjectif, OrganisationKind, RoleCode
from cdv.validators import validate_rna, validate_siret

# Roles whose holders see the directory of organisations and the contract's partners.
DIRECTORY_ROLES = {
    RoleCode.ADMIN_PDV,
    RoleCode.INSTRUCTEUR_FINANCEUR,
    RoleCode.LECTEUR_PARTENAIRE,
    RoleCode.COORDINATEUR_GUP,
    # The PRE's staff choose referrers, providers and funders among the organisations.
    RoleCode.REFERENT_PRE,
    # CitésLab's staff name the partners of their events.
    RoleCode.CHARGE_CITESLAB,
}


def _anonymous(user):
    return user is None or not user.is_authenticated


class OrganisationQuerySet(models.QuerySet):
    def for_user(self, user):
        """Staff and partners see the directory; everyone else sees only their organisation."""
        if _anonymous(user):
            return self.none()
        if user.is_superuser or user.has_role(*DIRECTORY_ROLES):
            return self
        return self.filter(pk=user.organisation_id)


class Organisation(models.Model):
    nom = models.CharField("nom", max_length=255)
    sigle = models.CharField("sigle", max_length=50, blank=True)
    kind = models.CharField("type", max_length=30, choices=OrganisationKind.choices)
    siret = models.CharField(
        "SIRET", max_length=14, blank=True, validators=[validate_siret], db_index=True
    )
    rna = models.CharField(
        "numéro RNA",
        max_length=10,
        blank=True,
        validators=[validate_rna],
        help_text="Pour les associations : W suivi de 9 chiffres.",
    )
    adresse = models.CharField("adresse", max_length=255, blank=True)
    code_postal = models.CharField("code postal", max_length=5, blank=True)
    commune = models.CharField("commune", max_length=100, blank=True)
    email = models.EmailField("courriel de contact", blank=True)
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    active = models.BooleanField("active", default=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisations"
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"], condition=~Q(siret=""), name="organisation_siret_unique"
            ),
        ]

    def __str__(self):
        return f"{self.nom} ({self.sigle})" if self.sigle else self.nom

    def clean(self):
        if self.rna and self.kind != OrganisationKind.ASSOCIATION:
            raise ValidationError({"rna": "Seule une association a un numéro RNA."})


class RoleQuerySet(models.QuerySet):
    def for_user(self, user):
        """The list of roles is not confidential: readable by every signed-in user."""
        return self.none() if _anonymous(user) else self


class Role(models.Model):
    """One of the fixed roles of ARCHITECTURE.md, created by a data migration."""

    code = models.CharField("code", max_length=30, choices=RoleCode.choices, unique=True)

    objects = RoleQuerySet.as_manager()

    class Meta:
        verbose_name = "rôle"
        verbose_name_plural = "rôles"
        ordering = ["id"]

    def __str__(self):
        return self.get_code_display()


class UserQuerySet(models.QuerySet):
    def for_user(self, user):
        """Users of one's organisation; the PDV team also sees the people of its contracts."""
        if _anonymous(user):
            return self.none()
        if user.is_superuser:
            return self
        scope = Q(organisation_id=user.organisation_id) if user.organisation_id else Q(pk=user.pk)
        if user.has_role(RoleCode.ADMIN_PDV):
            scope |= Q(contrats__in=Contrat.objects.for_user(user))
        return self.filter(scope).distinct()


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.pop("is_staff", None)
        extra_fields["is_superuser"] = True
        return self.create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("adresse électronique", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="organisation",
        on_delete=models.PROTECT,
        related_name="membres",
        null=True,
        blank=True,
    )
    roles = models.ManyToManyField(Role, verbose_name="rôles", blank=True, related_name="users")
    contrats = models.ManyToManyField(
        "cdv.Contrat", verbose_name="contrats suivis", blank=True, related_name="users"
    )
    est_admin_organisation = models.BooleanField(
        "administrateur de son organisation",
        default=False,
        help_text="Peut inviter d'autres personnes de son organisation.",
    )
    is_active = models.BooleanField("actif", default=True)
    date_joined = models.DateTimeField("date d'inscription", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    @cached_property
    def role_codes(self):
        return frozenset(self.roles.values_list("code", flat=True))

    def has_role(self, *codes):
        return bool(self.role_codes.intersection(codes))

    @property
    def is_staff(self):
        """May enter the back office: superusers and roles granted admin permissions."""
        from cdv.roles import roles_with_admin_access

        return self.is_active and (self.is_superuser or self.has_role(*roles_with_admin_access()))


class ContratQuerySet(models.QuerySet):
    def for_user(self, user):
        """The contracts a user works on; superusers see every contract of the instance."""
        if _anonymous(user):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(users=user)


class Contrat(models.Model):
    nom = models.CharField("nom", max_length=255)
    code = models.CharField(
        "code officiel",
        max_length=10,
        unique=True,
        null=True,
        blank=True,
        help_text="Code national du contrat (exemple : CN01102I).",
    )
    epci = models.ForeignKey(
        Organisation,
        verbose_name="EPCI porteur",
        on_delete=models.PROTECT,
        related_name="contrats_portes",
        limit_choices_to={"kind": OrganisationKind.EPCI},
    )
    annee_debut = models.PositiveSmallIntegerField(
        "année de début", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    annee_fin = models.PositiveSmallIntegerField(
        "année de fin", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    date_signature = models.DateField("date de signature", null=True, blank=True)

    objects = ContratQuerySet.as_manager()

    class Meta:
        verbose_name = "contrat de ville"
        verbose_name_plural = "contrats de ville"
        ordering = ["-annee_debut", "nom"]
        constraints = [
            models.CheckConstraint(
                condition=Q(annee_fin__gte=models.F("annee_debut")),
                name="contrat_annees_ordonnees",
                violation_error_message="L'année de fin doit suivre l'année de début.",
            ),
        ]

    def __str__(self):
        return f"{self.nom} ({self.annee_debut}–{self.annee_fin})"

    def clean(self):
        if self.epci_id and self.epci.kind != OrganisationKind.EPCI:
            raise ValidationError({"epci": "Le porteur d'un contrat de ville doit être un EPCI."})
        if self.annee_debut and self.annee_fin and self.annee_fin < self.annee_debut:
            raise ValidationError({"annee_fin": "L'année de fin doit suivre l'année de début."})


class AppendOnlyMixin:
    """A record written once, never changed nor deleted (histories, logs of reads); its
    `append_only_nom` names it in the refusal (« L'historique d'une action »)."""

    append_only_nom = "Cet enregistrement"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(f"{self.append_only_nom} ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(f"{self.append_only_nom} ne se supprime pas.")


class ParentScopedQuerySet(models.QuerySet):
    """For records visible with the record they belong to (the foreign key `parent_field`):
    the parent's own for_user() decides. `contrat_path` leads to the contract."""

    parent_field = None
    contrat_path = None

    def for_user(self, user):
        parent = self.model._meta.get_field(self.parent_field).related_model
        return self.filter(**{f"{self.parent_field}__in": parent.objects.for_user(user)})


class ContratScopedQuerySet(models.QuerySet):
    """For records that hang from a contract: visible to the users of that contract."""

    contrat_path = "contrat"

    def for_user(self, user):
        return self.filter(**{f"{self.contrat_path}__in": Contrat.objects.for_user(user)})


class Signataire(models.Model):
    contrat = models.ForeignKey(
        Contrat, verbose_name="contrat", on_delete=models.CASCADE, related_name="signataires"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="organisation", on_delete=models.PROTECT, related_name="+"
    )
    date_signature = models.DateField("date de signature", null=True, blank=True)
    qualite = models.CharField(
        "rôle dans le contrat",
        max_length=100,
        blank=True,
        help_text="Exemple : pilote, co-financeur, bailleur signataire.",
    )

    objects = ContratScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "signataire"
        verbose_name_plural = "signataires"
        ordering = ["contrat", "organisation__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["contrat", "organisation"],
                name="signataire_unique",
                violation_error_message="Cette organisation est déjà signataire de ce contrat.",
            )
        ]

    def __str__(self):
        return f"{self.organisation} — {self.contrat}"


class Pilier(models.Model):
    contrat = models.ForeignKey(
        Contrat, verbose_name="contrat", on_delete=models.CASCADE, related_name="piliers"
    )
    nom = models.CharField("nom", max_length=150)
    ordre = models.PositiveSmallIntegerField("ordre", default=0)

    objects = ContratScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "pilier"
        verbose_name_plural = "piliers"
        ordering = ["contrat", "ordre", "nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["contrat", "nom"],
                name="pilier_unique",
                violation_error_message="Ce contrat a déjà un pilier de ce nom.",
            )
        ]

    def __str__(self):
        return self.nom


class AxeTransversal(models.Model):
    contrat = models.ForeignKey(
        Contrat, verbose_name="contrat", on_delete=models.CASCADE, related_name="axes"
    )
    nom = models.CharField("nom", max_length=150)
    ordre = models.PositiveSmallIntegerField("ordre", default=0)

    objects = ContratScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "axe transversal"
        verbose_name_plural = "axes transversaux"
        ordering = ["contrat", "ordre", "nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["contrat", "nom"],
                name="axe_unique",
                violation_error_message="Ce contrat a déjà un axe transversal de ce nom.",
            )
        ]

    def __str__(self):
        return self.nom


class ObjectifQuerySet(ContratScopedQuerySet):
    contrat_path = "pilier__contrat"


class Objectif(models.Model):
    """A strategic orientation (no parent) or one of its operational objectives."""

    pilier = models.ForeignKey(
        Pilier, verbose_name="pilier", on_delete=models.CASCADE, related_name="objectifs"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="orientation stratégique",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="objectifs_operationnels",
        limit_choices_to={"niveau": NiveauObjectif.ORIENTATION},
    )
    niveau = models.CharField("niveau", max_length=20, choices=NiveauObjectif.choices)
    intitule = models.TextField("intitulé")
    ordre = models.PositiveSmallIntegerField("ordre", default=0)

    objects = ObjectifQuerySet.as_manager()

    class Meta:
        verbose_name = "objectif"
        verbose_name_plural = "objectifs"
        ordering = ["pilier", "ordre", "id"]

    def __str__(self):
        return self.intitule if len(self.intitule) <= 80 else self.intitule[:79] + "…"

    def clean(self):
        if self.niveau == NiveauObjectif.ORIENTATION and self.parent_id:
            raise ValidationError(
                {"parent": "Une orientation stratégique ne dépend d'aucune autre orientation."}
            )
        if self.niveau == NiveauObjectif.OPERATIONNEL:
            if not self.parent_id:
                raise ValidationError(
                    {"parent": "Un objectif opérationnel doit relever d'une orientation."}
                )
            if self.parent.niveau != NiveauObjectif.ORIENTATION:
                raise ValidationError({"parent": "Le parent doit être une orientation."})
            if self.pilier_id and self.parent.pilier_id != self.pilier_id:
                raise ValidationError(
                    {"parent": "L'orientation choisie appartient à un autre pilier."}
                )


class ThematiqueQuerySet(models.QuerySet):
    def for_user(self, user):
        """National reference data: readable by every signed-in user."""
        return self.none() if _anonymous(user) else self


class ThematiqueANCT(models.Model):
    """ANCT 2024 theme nomenclature (theme and sub-theme), as national reference data."""

    code = models.CharField("code", max_length=10, unique=True)
    libelle = models.CharField("libellé", max_length=255)
    parent = models.ForeignKey(
        "self",
        verbose_name="thème",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sous_thematiques",
    )

    objects = ThematiqueQuerySet.as_manager()

    class Meta:
        verbose_name = "thématique ANCT"
        verbose_name_plural = "thématiques ANCT"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.libelle}"


class Instance(models.Model):
    """A governance body of the contract (COPIL, COTECH, comité des financeurs…)."""

    contrat = models.ForeignKey(
        Contrat, verbose_name="contrat", on_delete=models.CASCADE, related_name="instances"
    )
    kind = models.CharField("type", max_length=30, choices=InstanceKind.choices)
    nom = models.CharField("nom", max_length=255)
    membres = models.ManyToManyField(
        Organisation, verbose_name="organisations membres", blank=True, related_name="+"
    )

    objects = ContratScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "instance de gouvernance"
        verbose_name_plural = "instances de gouvernance"
        ordering = ["contrat", "kind", "nom"]

    def __str__(self):
        return self.nom


class ReunionQuerySet(ContratScopedQuerySet):
    contrat_path = "instance__contrat"


class Reunion(models.Model):
    instance = models.ForeignKey(
        Instance, verbose_name="instance", on_delete=models.CASCADE, related_name="reunions"
    )
    date = models.DateField("date")
    lieu = models.CharField("lieu", max_length=255, blank=True)
    ordre_du_jour = models.TextField("ordre du jour", blank=True)
    participants = models.ManyToManyField(
        Organisation, verbose_name="organisations présentes", blank=True, related_name="+"
    )
    participants_detail = models.TextField(
        "participants", blank=True, help_text="Noms et fonctions des personnes présentes."
    )
    decisions = models.TextField("décisions", blank=True)
    compte_rendu = models.FileField(
        "compte rendu",
        upload_to="reunions/%Y/",
        blank=True,
        validators=[FileExtensionValidator(["pdf", "odt", "docx", "doc"])],
    )

    objects = ReunionQuerySet.as_manager()

    class Meta:
        verbose_name = "réunion"
        verbose_name_plural = "réunions"
        ordering = ["-date"]

    def __str__(self):
        return f"{self.instance} du {self.date:%d/%m/%Y}"


from cdv.models_exports import EtatExport, Export  # noqa: E402,F401
