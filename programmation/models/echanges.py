"""Exchanges around an action: the message thread between the porteur and the instructors,
the organisation's documents and the pieces attached to an application."""

import secrets
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cdv.enums import RoleCode
from cdv.models import Contrat, Organisation
from programmation.enums import EtatAction
from programmation.models.actions import Action, ActionScopedQuerySet, Financement
from programmation.models.base import _anonymous


class NatureDocument(models.TextChoices):
    """What an organisation's document is (the attachments of CERFA 12156)."""

    STATUTS = "statuts", "Statuts de l'association"
    RIB = "rib", "Relevé d'identité bancaire (RIB)"
    DIRIGEANTS = "dirigeants", "Liste des dirigeants"
    RAPPORT_ACTIVITE = "rapport_activite", "Dernier rapport d'activité"
    COMPTES = "comptes", "Derniers comptes approuvés"
    BUDGET_ASSOCIATION = "budget_association", "Budget prévisionnel de l'association"
    AUTRE = "autre", "Autre document"


# What a deposit requires: the full form, and the short form (small requests, see
# AppelAProjets.seuil_demande_simplifiee), where the identity and bank details suffice.
NATURES_OBLIGATOIRES = (
    NatureDocument.STATUTS,
    NatureDocument.RIB,
    NatureDocument.DIRIGEANTS,
    NatureDocument.RAPPORT_ACTIVITE,
    NatureDocument.COMPTES,
)
NATURES_OBLIGATOIRES_DEMANDE_COURTE = (NatureDocument.STATUTS, NatureDocument.RIB)
# How long a document stays valid when the porteur gives no date (months); the others
# (statutes, RIB, other) stay valid until replaced.
VALIDITE_MOIS = {
    NatureDocument.DIRIGEANTS: 12,
    NatureDocument.RAPPORT_ACTIVITE: 12,
    NatureDocument.COMPTES: 12,
    NatureDocument.BUDGET_ASSOCIATION: 12,
}


def actions_partagees(user):
    """The actions whose exchanges `user` takes part in: its organisation's (porteur), the
    deposited ones of its contracts (PDV team), the deposited ones where its organisation is
    solicited (instructors). Partners who only read are left out."""
    if _anonymous(user):
        return Action.objects.none()
    if user.is_superuser:
        return Action.objects.all()
    scope = Q(pk__in=[])
    deposited = ~Q(etat=EtatAction.BROUILLON) & Q(appel__contrat__in=Contrat.objects.for_user(user))
    if user.has_role(RoleCode.ADMIN_PDV):
        scope |= deposited
    if user.has_role(RoleCode.INSTRUCTEUR_FINANCEUR) and user.organisation_id:
        solicited = Financement.objects.filter(financeur_id=user.organisation_id)
        scope |= deposited & Q(pk__in=solicited.values("action_id"))
    if user.has_role(RoleCode.PORTEUR) and user.organisation_id:
        scope |= Q(porteur_id=user.organisation_id)
    return Action.objects.filter(scope)


class Message(models.Model):
    """One message of the thread between the porteur and the instructors of an action."""

    action = models.ForeignKey(
        Action, verbose_name="action", on_delete=models.CASCADE, related_name="messages"
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateTimeField("date", default=timezone.now)
    texte = models.TextField("message")

    objects = ActionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "message"
        verbose_name_plural = "messages"
        ordering = ["action", "date", "id"]

    def __str__(self):
        return f"{self.auteur} — {self.date:%d/%m/%Y %H:%M}"


def document_upload_to(instance, filename):
    """A random name: a file's address reveals neither its organisation nor its name."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"documents/{secrets.token_urlsafe(24)}{suffix}"


class DocumentQuerySet(models.QuerySet):
    def for_user(self, user):
        """Porteurs: their organisation's documents. PDV team and instructors: the documents
        attached to the applications they instruct."""
        if _anonymous(user):
            return self.none()
        if user.is_superuser:
            return self
        scope = Q(pk__in=PieceJointe.objects.for_user(user).values("document_id"))
        if user.has_role(RoleCode.PORTEUR) and user.organisation_id:
            scope |= Q(organisation_id=user.organisation_id)
        return self.filter(scope)

    def valides(self, date=None):
        """Documents still valid on `date` (today by default)."""
        date = date or timezone.localdate()
        return self.filter(Q(valide_jusqu_au__isnull=True) | Q(valide_jusqu_au__gte=date))


class Document(models.Model):
    """A document of an organisation (statutes, RIB, accounts…), given once and attached to
    its applications as long as it is valid. The file is private: it is read only through
    the scoped download view."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="organisation",
        on_delete=models.PROTECT,
        related_name="documents",
    )
    nature = models.CharField("nature", max_length=30, choices=NatureDocument.choices)
    fichier = models.FileField("fichier", upload_to=document_upload_to, max_length=255)
    nom_original = models.CharField("nom du fichier", max_length=255)
    taille = models.PositiveBigIntegerField("taille (octets)")
    type_mime = models.CharField("type de fichier", max_length=100)
    valide_jusqu_au = models.DateField(
        "valable jusqu'au", null=True, blank=True, help_text="Vide : sans limite de validité."
    )
    depose_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="déposé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    depose_le = models.DateTimeField("déposé le", default=timezone.now)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "document de l'organisation"
        verbose_name_plural = "documents des organisations"
        ordering = ["organisation", "nature", "-depose_le", "-id"]

    def __str__(self):
        return f"{self.get_nature_display()} — {self.organisation}"

    def est_valide(self, date=None):
        date = date or timezone.localdate()
        return self.valide_jusqu_au is None or self.valide_jusqu_au >= date


class PieceJointeQuerySet(ActionScopedQuerySet):
    def for_user(self, user):
        """The porteur, the PDV team and the solicited instructors of the action; partners who
        only read the programmation do not open the association's documents."""
        return self.filter(action__in=actions_partagees(user))


class PieceJointe(models.Model):
    """A document of the porteur's organisation attached to one of its applications."""

    action = models.ForeignKey(
        Action, verbose_name="action", on_delete=models.CASCADE, related_name="pieces"
    )
    document = models.ForeignKey(
        Document, verbose_name="document", on_delete=models.PROTECT, related_name="pieces"
    )
    jointe_le = models.DateTimeField("jointe le", default=timezone.now)

    objects = PieceJointeQuerySet.as_manager()

    class Meta:
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        ordering = ["action", "document__nature", "jointe_le"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "document"],
                name="piece_jointe_unique",
                violation_error_message="Ce document est déjà joint à cette action.",
            )
        ]

    def __str__(self):
        return f"{self.document} — {self.action}"
