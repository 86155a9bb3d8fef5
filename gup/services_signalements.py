"""Writes of the staff pages beyond gup/services.py: diagnostics en marchant, and the
coordination's corrections of a signalement. Keyword-only, one transaction, and a `version`
check so that two people editing the same record never overwrite each other silently."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from gup import perms
from gup.models import Diagnostic, EvenementSignalement, Signalement

PERIME_DIAGNOSTIC = (
    "Ce diagnostic a été modifié entre-temps par une autre personne : ses valeurs sont "
    "rappelées ci-dessous ; vérifiez puis enregistrez à nouveau."
)
PERIME_SIGNALEMENT = (
    "Ce signalement a été modifié entre-temps par une autre personne : ses valeurs sont "
    "rappelées ci-dessous ; vérifiez puis enregistrez à nouveau."
)
# What the coordination corrects on an open signalement.
CHAMPS_MODIFIABLES = [
    "categorie",
    "description",
    "adresse",
    "latitude",
    "longitude",
    "priorite",
    "echeance",
    "organisation_responsable",
]


class VersionPerimee(ValidationError):
    """The record changed since the user read it: `actuel` is the record as it now is."""

    def __init__(self, message, *, actuel):
        super().__init__({"version": message})
        self.actuel = actuel


def _check_version(version, actuel, message):
    if version is not None and int(version) != actuel.version:
        raise VersionPerimee(message, actuel=actuel)


def diagnostic_create(*, user, quartier, participants=(), **valeurs):
    """Record a diagnostic en marchant of a quartier the user coordinates (date, secteur,
    nb_habitants, compte_rendu), with its participating organisations."""
    if not perms.can_manage_diagnostic(user, quartier):
        raise PermissionDenied("Seule la coordination GUP du contrat organise ses diagnostics.")
    diagnostic = Diagnostic(quartier=quartier, cree_par=user, **valeurs)
    diagnostic.full_clean()
    with transaction.atomic():
        diagnostic.save()
        diagnostic.participants.set(participants)
    return diagnostic


def diagnostic_update(*, diagnostic, user, version, participants=None, **valeurs):
    """Change a diagnostic read at `version` (VersionPerimee when someone saved it since);
    the quartier may change only to another quartier the user coordinates."""
    with transaction.atomic():
        actuel = Diagnostic.objects.select_for_update().get(pk=diagnostic.pk)
        _check_version(version, actuel, PERIME_DIAGNOSTIC)
        if not perms.can_manage_diagnostic(user, actuel.quartier):
            raise PermissionDenied("Seule la coordination GUP du contrat modifie ce diagnostic.")
        for name, value in valeurs.items():
            setattr(actuel, name, value)
        if not perms.can_manage_diagnostic(user, actuel.quartier):
            raise PermissionDenied("Vous ne coordonnez pas ce quartier.")
        actuel.full_clean()
        actuel.version += 1
        actuel.save()
        if participants is not None:
            actuel.participants.set(participants)
    return actuel


def signalement_update(*, signalement, user, version, **valeurs):
    """The coordination corrects an open signalement read at `version` (VersionPerimee when
    someone changed it since): category, description, place, priority, due date,
    responsible body. The change is written in the history (not shown to the reporter)."""
    inconnus = set(valeurs) - set(CHAMPS_MODIFIABLES)
    if inconnus:
        raise ValueError(f"Champs non modifiables : {sorted(inconnus)}")
    with transaction.atomic():
        actuel = (
            Signalement.objects.select_for_update(of=("self",))
            .select_related("quartier", "categorie")
            .get(pk=signalement.pk)
        )
        _check_version(version, actuel, PERIME_SIGNALEMENT)
        if not perms.can_edit(user, actuel):
            raise PermissionDenied("Seule la coordination GUP corrige un signalement ouvert.")
        changes = []
        for name, value in valeurs.items():
            if getattr(actuel, name) != value:
                changes.append(str(Signalement._meta.get_field(name).verbose_name))
                setattr(actuel, name, value)
        if not changes:
            return actuel
        actuel.full_clean(exclude=["client_uuid"])
        actuel.version += 1
        actuel.save()
        EvenementSignalement.objects.create(
            signalement=actuel,
            code="modification",
            etat_avant=actuel.etat,
            etat_apres=actuel.etat,
            organisation=actuel.organisation_responsable,
            auteur=user,
            commentaire="Modifié : " + ", ".join(changes) + ".",
            public=False,
        )
    return actuel
