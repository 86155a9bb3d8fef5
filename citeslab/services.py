"""Writes of CitésLab: open a project, move it from stage to stage; record people, meetings,
referrals, creations and their follow-up.

Every function is keyword-only, checks that the author is CitésLab staff of the contract,
validates in French (errors keyed by the field they concern) and writes in one transaction,
together with the dated history row; nothing is written on error.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from citeslab import perms
from citeslab.enums import SUIVANTES, Etape
from citeslab.models import (
    Beneficiaire,
    Creation,
    EtapeProjet,
    Orientation,
    ProjetCreation,
    Rencontre,
)


def _verifier_date(date, depuis=None):
    if date > timezone.localdate():
        raise ValidationError({"date": "La date ne peut être dans le futur."})
    if depuis is not None and date < depuis:
        raise ValidationError(
            {"date": f"La date ne peut précéder celle de l'étape actuelle ({depuis:%d/%m/%Y})."}
        )


def _historiser(*, projet, precedente, auteur):
    ligne = EtapeProjet(
        projet=projet,
        etape_precedente=precedente,
        etape=projet.etape,
        date=projet.date_etape,
        auteur=auteur,
    )
    ligne.full_clean()
    ligne.save()


@transaction.atomic
def projet_creer(*, beneficiaire, idee, secteur, date, auteur):
    """Open a project at stage « sensibilisé » on `date`, its first history row with it."""
    if not perms.can_manage_citeslab(auteur, beneficiaire.contrat_id):
        raise PermissionDenied(perms.REFUS)
    _verifier_date(date)
    projet = ProjetCreation(
        beneficiaire=beneficiaire,
        idee=idee,
        secteur=secteur,
        etape=Etape.SENSIBILISE,
        date_etape=date,
    )
    projet.full_clean()
    projet.save()
    _historiser(projet=projet, precedente="", auteur=auteur)
    return projet


@transaction.atomic
def projet_changer_etape(*, projet, etape, date, auteur):
    """Move a project to `etape` on `date` if the transitions table allows it (never before
    its current stage's date, never in the future), and record the change in its history."""
    projet = (
        ProjetCreation.objects.select_for_update(of=("self",))
        .select_related("beneficiaire")
        .get(pk=projet.pk)
    )
    if not perms.can_manage_citeslab(auteur, projet.beneficiaire.contrat_id):
        raise PermissionDenied(perms.REFUS)
    etape = Etape(etape)
    if etape not in SUIVANTES[projet.etape]:
        actuelle = Etape(projet.etape).label
        raise ValidationError(
            {"etape": f"Un projet à l'étape « {actuelle} » ne peut passer à « {etape.label} »."}
        )
    _verifier_date(date, depuis=projet.date_etape)
    precedente = projet.etape
    projet.etape, projet.date_etape = etape, date
    projet.full_clean()
    projet.save(update_fields=["etape", "date_etape"])
    _historiser(projet=projet, precedente=precedente, auteur=auteur)
    return projet


# People, meetings, referrals, creations ----------------------------------------------------
# Added for the pages and the API of the people and their support; same habits as above.

CHAMPS_BENEFICIAIRE = (
    "nom",
    "prenom",
    "telephone",
    "email",
    "sexe",
    "annee_naissance",
    "commune",
    "quartier",
    "statut_emploi",
    "niveau_formation",
    "canal_entree",
    "date_premier_contact",
    "consentement",
    "date_consentement",
)
MODIFIE_ENTRE_TEMPS = (
    "Cette fiche a été modifiée par quelqu'un d'autre pendant que vous la modifiiez : "
    "voici les valeurs enregistrées, reprenez vos changements."
)


class ModificationConcurrente(ValidationError):
    """The record changed since the user read it; `actuel` is the saved one."""

    def __init__(self, actuel):
        super().__init__(MODIFIE_ENTRE_TEMPS, code="modifie")
        self.actuel = actuel


def beneficiaire_empreinte(beneficiaire):
    """A keyed digest of the record's values as read: the form sends it back, and a save
    whose digest no longer matches the stored record is refused. Beneficiaire has no
    version field; the digest is keyed so that the page does not leak a plain hash of the
    identity."""
    valeurs = "\x1f".join(
        str(getattr(beneficiaire, f"{champ}_id" if champ == "quartier" else champ))
        for champ in CHAMPS_BENEFICIAIRE
    )
    return salted_hmac("citeslab.beneficiaire", valeurs, algorithm="sha256").hexdigest()


def _verifier_staff(auteur, contrat_id):
    if not perms.can_manage_citeslab(auteur, contrat_id):
        raise PermissionDenied(perms.REFUS)


@transaction.atomic
def beneficiaire_creer(*, contrat, auteur, **donnees):
    """Record a person met by CitésLab in `contrat` (consent required)."""
    _verifier_staff(auteur, contrat.pk)
    beneficiaire = Beneficiaire(contrat=contrat, **donnees)
    if not beneficiaire.consentement:
        raise ValidationError(
            {
                "consentement": "Recueillez le consentement de la personne avant d'enregistrer "
                "ses données."
            }  # fmt: skip
        )
    beneficiaire.full_clean()
    beneficiaire.save()
    return beneficiaire


@transaction.atomic
def beneficiaire_modifier(*, beneficiaire, auteur, empreinte, **donnees):
    """Change the record as the user read it (`empreinte`); if someone saved it meanwhile,
    raise ModificationConcurrente carrying the saved record, and write nothing."""
    actuel = Beneficiaire.objects.select_for_update().get(pk=beneficiaire.pk)
    _verifier_staff(auteur, actuel.contrat_id)
    if empreinte != beneficiaire_empreinte(actuel):
        raise ModificationConcurrente(actuel)
    if donnees.get("consentement") is False:
        raise ValidationError(
            {"consentement": "Le consentement est nécessaire pour conserver ces données."}
        )
    for champ, valeur in donnees.items():
        setattr(actuel, champ, valeur)
    actuel.full_clean()
    actuel.save()
    return actuel


@transaction.atomic
def rencontre_creer(*, contrat, auteur, beneficiaires, **donnees):
    """Record a meeting with its participants (exactly one for an individual interview)."""
    _verifier_staff(auteur, contrat.pk)
    _verifier_date(donnees["date"])
    rencontre = Rencontre(contrat=contrat, **donnees)
    rencontre.full_clean()
    rencontre.valider_beneficiaires(beneficiaires)
    rencontre.save()
    rencontre.beneficiaires.set(beneficiaires)
    return rencontre


@transaction.atomic
def orientation_creer(*, projet, auteur, **donnees):
    """Refer a project to a partner (outcome « en attente » until known)."""
    _verifier_staff(auteur, projet.beneficiaire.contrat_id)
    _verifier_date(donnees["date"])
    orientation = Orientation(projet=projet, **donnees)
    orientation.full_clean()
    orientation.save()
    return orientation


@transaction.atomic
def orientation_issue(*, orientation, auteur, issue, date_issue, commentaire=None):
    """Record what came of a referral, and when it was known."""
    orientation = (
        Orientation.objects.select_for_update(of=("self",))
        .select_related("projet__beneficiaire")
        .get(pk=orientation.pk)
    )
    _verifier_staff(auteur, orientation.projet.beneficiaire.contrat_id)
    if date_issue is not None and date_issue > timezone.localdate():
        raise ValidationError({"date_issue": "La date ne peut être dans le futur."})
    orientation.issue, orientation.date_issue = issue, date_issue
    if commentaire is not None:
        orientation.commentaire = commentaire
    orientation.full_clean()
    orientation.save()
    return orientation


@transaction.atomic
def creation_enregistrer(*, projet, auteur, date, **donnees):
    """Record the business a project became. A project that may become « créé » is moved
    there on the creation's date first (one transaction, history written)."""
    _verifier_staff(auteur, projet.beneficiaire.contrat_id)
    if Creation.objects.filter(projet=projet).exists():
        raise ValidationError({"date": "La création de ce projet est déjà enregistrée."})
    if projet.etape != Etape.CREE:
        if Etape.CREE not in SUIVANTES[projet.etape]:
            actuelle = Etape(projet.etape).label
            raise ValidationError(
                {"date": f"Un projet à l'étape « {actuelle} » ne peut devenir une entreprise."}
            )
        projet = projet_changer_etape(projet=projet, etape=Etape.CREE, date=date, auteur=auteur)
    creation = Creation(projet=projet, date=date, **donnees)
    creation.full_clean()
    creation.save()
    return creation


@transaction.atomic
def creation_suivre(*, creation, auteur, active_1_an, active_3_ans):
    """Record whether the business is still active at 1 and 3 years (None: not known)."""
    creation = (
        Creation.objects.select_for_update(of=("self",))
        .select_related("projet__beneficiaire")
        .get(pk=creation.pk)
    )
    _verifier_staff(auteur, creation.projet.beneficiaire.contrat_id)
    creation.active_1_an, creation.active_3_ans = active_1_an, active_3_ans
    creation.full_clean()
    creation.save(update_fields=["active_1_an", "active_3_ans"])
    return creation
