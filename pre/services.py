"""Writes of the PRE's children and families: the child's record (at the version the user
read), its guardians, the family's signed consent, the referrals; and the family's rights
under the GDPR: access (`famille_export`) and erasure (`famille_effacer`).

Writes are keyword-only, check the rule of pre/perms.py, `full_clean()` and run in one
transaction. Messages never name a child: "Enfant n° 12".
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cdv.excel import DATE, EURO, add_table, new_workbook
from cdv.files import type_reel
from pre import perms
from pre.anonymisation import comptes_rendus_expurger
from pre.enums import AxeParcours, MotifReperage
from pre.models import (
    ActionParcours,
    Consentement,
    Enfant,
    Parcours,
    Reperage,
    ResponsableLegal,
    RevueParcours,
    SituationCommission,
)

CHAMPS_ENFANT = ["nom", "prenom", "date_naissance", "sexe", "quartier", "etablissement", "niveau"]
CHAMPS_RESPONSABLE = [
    "lien",
    "nom",
    "prenom",
    "telephone",
    "email",
    "adresse",
    "quotient_familial",
]
CHAMPS_REPERAGE = ["date", "reperant", "organisation", "motifs", "commentaire"]

INTERDIT = "Seule l'équipe du PRE du contrat de l'enfant peut modifier son dossier."
INTERDIT_EFFACER = "Seul le coordinateur du PRE peut effacer les données d'une famille."
PERIME = (
    "Le dossier n° {numero} a été modifié entre-temps par quelqu'un d'autre : vérifiez les "
    "valeurs enregistrées ci-dessous, puis enregistrez à nouveau."
)

# The consent is a scan or a photograph of a signed paper: its real type, read from its
# content (never its name), must be one of these.
TYPES_CONSENTEMENT = {
    "application/pdf": ("PDF", ".pdf"),
    "image/jpeg": ("image JPEG", ".jpg"),
    "image/png": ("image PNG", ".png"),
}


class VersionPerimee(ValidationError):
    """The record changed since the user read it: `actuel` is the record as it now is."""

    def __init__(self, message, *, actuel):
        super().__init__({"version": [message]})
        self.actuel = actuel


def _check_staff(user, enfant_or_contrat):
    contrat = getattr(enfant_or_contrat, "contrat", enfant_or_contrat)
    if not perms.is_pre_staff(user, contrat):
        raise PermissionDenied(INTERDIT)


def _check_naissance(date_naissance):
    if date_naissance is not None and date_naissance > timezone.localdate():
        raise ValidationError(
            {"date_naissance": "La date de naissance ne peut pas être dans le futur."}
        )


# The child ------------------------------------------------------------------------------


@transaction.atomic
def enfant_create(*, user, contrat, **data):
    """Open the record of a child of `contrat` (PRE staff of that contract only)."""
    _check_staff(user, contrat)
    _check_naissance(data.get("date_naissance"))
    enfant = Enfant(contrat=contrat, **{k: v for k, v in data.items() if k in CHAMPS_ENFANT})
    if enfant.date_naissance is not None:
        enfant.annee_naissance = enfant.date_naissance.year
    enfant.full_clean()
    enfant.save()
    return enfant


@transaction.atomic
def enfant_update(*, enfant, user, version, **data):
    """Change a child's record read at `version`; VersionPerimee when someone saved it
    since (nothing is written)."""
    _check_staff(user, enfant)
    actuel = Enfant.objects.select_for_update().get(pk=enfant.pk)
    if version is not None and int(version) != actuel.version:
        raise VersionPerimee(PERIME.format(numero=actuel.pk), actuel=actuel)
    _check_naissance(data.get("date_naissance"))
    for name in CHAMPS_ENFANT:
        if name in data:
            setattr(actuel, name, data[name])
    if actuel.date_naissance is not None:
        actuel.annee_naissance = actuel.date_naissance.year
    actuel.version += 1
    actuel.full_clean()
    actuel.save()
    return actuel


# Guardians, consent, referrals -------------------------------------------------------------


@transaction.atomic
def responsable_save(*, enfant, user, responsable=None, **data):
    """Add a guardian to the child's family, or change one (`responsable`)."""
    _check_staff(user, enfant)
    if responsable is None:
        responsable = ResponsableLegal(enfant=enfant)
    elif responsable.enfant_id != enfant.pk:
        raise PermissionDenied(INTERDIT)
    for name in CHAMPS_RESPONSABLE:
        if name in data:
            setattr(responsable, name, data[name])
    responsable.full_clean()
    responsable.save()
    return responsable


def document_check(fichier):
    """The MIME type of the consent's file, read from its content; ValidationError (on
    `document`, in French) when it is empty, too large, or not a PDF, JPEG or PNG."""
    return type_reel(
        fichier, champ="document", types=TYPES_CONSENTEMENT,
        acceptes="un PDF, une image JPEG ou PNG",
    )  # fmt: skip


@transaction.atomic
def consentement_add(*, enfant, user, date, document=None):
    """Record the family's signed consent, with its scan (PDF, JPEG or PNG by content),
    stored under a random name."""
    _check_staff(user, enfant)
    consentement = Consentement(enfant=enfant, date=date)
    if document:
        mime = document_check(document)
        document.name = "consentement" + TYPES_CONSENTEMENT[mime][1]
        consentement.document = document
        consentement.type_mime = mime
    if date is not None and date > timezone.localdate():
        raise ValidationError({"date": "La date de signature ne peut pas être dans le futur."})
    consentement.full_clean()
    consentement.save()
    return consentement


@transaction.atomic
def reperage_create(*, enfant, user, **data):
    """Record a referral of the child: when, by whom, why."""
    _check_staff(user, enfant)
    reperage = Reperage(enfant=enfant, **{k: v for k, v in data.items() if k in CHAMPS_REPERAGE})
    if reperage.date is not None and reperage.date > timezone.localdate():
        raise ValidationError({"date": "La date du repérage ne peut pas être dans le futur."})
    if not reperage.motifs:
        raise ValidationError({"motifs": "Cochez au moins un motif de repérage."})
    reperage.full_clean()
    reperage.save()
    return reperage


# Right of access ---------------------------------------------------------------------------


def _iso(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _libelles(codes, choix):
    labels = dict(choix)
    return [str(labels.get(code, code)) for code in codes or []]


def _nom(obj):
    return str(obj) if obj is not None else None


def famille_export(enfant):
    """Everything held on the child and its family (right of access, GDPR art. 15): the
    identity, the guardians, the consents, the referrals with what the EPS commissions
    decided, the pathways with their actions and reviews. Plain data (dates ISO, amounts
    as strings), ready for JSON."""
    enfant = Enfant.objects.select_related("quartier", "etablissement", "contrat").get(pk=enfant.pk)
    responsables = ResponsableLegal.objects.filter(enfant=enfant).order_by("id")
    consentements = Consentement.objects.filter(enfant=enfant).order_by("date", "id")
    reperages = (
        Reperage.objects.filter(enfant=enfant).select_related("organisation").order_by("date")
    )
    situations = SituationCommission.objects.filter(reperage__enfant=enfant).select_related(
        "commission__equipe"
    )
    par_reperage = {}
    for situation in situations.order_by("commission__date", "id"):
        par_reperage.setdefault(situation.reperage_id, []).append(situation)
    parcours = (
        Parcours.objects.filter(enfant=enfant)
        .select_related("referent")
        .order_by("date_inscription", "id")
    )
    actions = {}
    for action in (
        ActionParcours.objects.filter(parcours__enfant=enfant)
        .select_related("prestataire")
        .order_by("date", "id")
    ):
        actions.setdefault(action.parcours_id, []).append(action)
    revues = {}
    for revue in RevueParcours.objects.filter(parcours__enfant=enfant).order_by("date", "id"):
        revues.setdefault(revue.parcours_id, []).append(revue)
    return {
        "enfant": {
            "numero": enfant.pk,
            "contrat": enfant.contrat.nom,
            "nom": enfant.nom,
            "prenom": enfant.prenom,
            "date_naissance": _iso(enfant.date_naissance),
            "sexe": enfant.get_sexe_display(),
            "quartier": _nom(enfant.quartier and enfant.quartier.nom),
            "etablissement": _nom(enfant.etablissement),
            "classe": enfant.get_niveau_display() if enfant.niveau else None,
            "cree_le": _iso(enfant.cree_le),
        },
        "responsables_legaux": [
            {
                "lien": r.get_lien_display(),
                "nom": r.nom,
                "prenom": r.prenom,
                "telephone": r.telephone,
                "email": r.email,
                "adresse": r.adresse,
                "quotient_familial": r.quotient_familial,
            }
            for r in responsables
        ],
        "consentements": [
            {
                "date": _iso(c.date),
                "document": bool(c.document),
                "type": TYPES_CONSENTEMENT.get(c.type_mime, (c.type_mime or None,))[0],
            }
            for c in consentements
        ],
        "reperages": [
            {
                "date": _iso(r.date),
                "repere_par": r.get_reperant_display(),
                "organisation": _nom(r.organisation and r.organisation.nom),
                "motifs": _libelles(r.motifs, MotifReperage.choices),
                "commentaire": r.commentaire,
                "commissions": [
                    {
                        "date": _iso(s.commission.date),
                        "equipe": str(s.commission.equipe),
                        "decision": s.get_decision_display() if s.decision else None,
                        "commentaire": s.commentaire,
                    }
                    for s in par_reperage.get(r.pk, [])
                ],
            }
            for r in reperages
        ],
        "parcours": [
            {
                "numero": p.pk,
                "etat": p.get_etat_display(),
                "date_inscription": _iso(p.date_inscription),
                "date_entree": _iso(p.date_entree),
                "referent": _nom(p.referent),
                "axes": _libelles(p.axes, AxeParcours.choices),
                "objectifs": p.objectifs,
                "adhesion": p.get_adhesion_display() if p.adhesion else None,
                "date_sortie": _iso(p.date_sortie),
                "motif_sortie": p.get_motif_sortie_display() if p.motif_sortie else None,
                "satisfaction": p.satisfaction,
                "actions": [
                    {
                        "date": _iso(a.date),
                        "axe": a.get_axe_display(),
                        "intitule": a.intitule,
                        "prestataire": _nom(a.prestataire and a.prestataire.nom),
                        "cout": str(a.cout),
                        "part_famille": str(a.part_famille),
                        "part_pre": str(a.part_pre),
                    }
                    for a in actions.get(p.pk, [])
                ],
                "revues": [
                    {"date": _iso(v.date), "contenu": v.contenu} for v in revues.get(p.pk, [])
                ],
            }
            for p in parcours
        ],
    }


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def famille_classeur(donnees):
    """The family's data (`famille_export`) as a workbook: one sheet per kind of record."""
    workbook = new_workbook()
    e = donnees["enfant"]
    add_table(
        workbook,
        "Enfant",
        ["N°", "Nom", "Prénom", "Date de naissance", "Sexe", "Quartier", "Établissement",
         "Classe"],
        [[e["numero"], e["nom"], e["prenom"], _date(e["date_naissance"]), e["sexe"],
          e["quartier"], e["etablissement"], e["classe"]]],
        formats={3: DATE},
    )  # fmt: skip
    add_table(
        workbook,
        "Responsables légaux",
        ["Lien", "Nom", "Prénom", "Téléphone", "Adresse électronique", "Adresse postale",
         "Quotient familial (€)"],
        [[r["lien"], r["nom"], r["prenom"], r["telephone"], r["email"], r["adresse"],
          r["quotient_familial"]] for r in donnees["responsables_legaux"]],
    )  # fmt: skip
    add_table(
        workbook,
        "Consentements",
        ["Date de signature", "Document joint", "Type"],
        [[_date(c["date"]), "oui" if c["document"] else "non", c["type"]]
         for c in donnees["consentements"]],
        formats={0: DATE},
    )  # fmt: skip
    add_table(
        workbook,
        "Repérages",
        ["Date", "Repéré par", "Organisation", "Motifs", "Commentaire", "Commissions"],
        [[_date(r["date"]), r["repere_par"], r["organisation"], ", ".join(r["motifs"]),
          r["commentaire"],
          "; ".join(f"{s['date']} {s['equipe']} : {s['decision'] or 'sans décision'}"
                    for s in r["commissions"])]
         for r in donnees["reperages"]],
        formats={0: DATE},
    )  # fmt: skip
    add_table(
        workbook,
        "Parcours",
        ["N°", "État", "Inscrit le", "Entrée", "Référent", "Axes", "Objectifs", "Adhésion",
         "Sortie", "Motif de sortie"],
        [[p["numero"], p["etat"], _date(p["date_inscription"]), _date(p["date_entree"]),
          p["referent"], ", ".join(p["axes"]), p["objectifs"], p["adhesion"],
          _date(p["date_sortie"]), p["motif_sortie"]] for p in donnees["parcours"]],
        formats={2: DATE, 3: DATE, 8: DATE},
    )  # fmt: skip
    add_table(
        workbook,
        "Actions",
        ["Parcours n°", "Date", "Axe", "Intitulé", "Prestataire", "Coût", "Part famille",
         "Part PRE"],
        [[p["numero"], _date(a["date"]), a["axe"], a["intitule"], a["prestataire"],
          float(a["cout"]), float(a["part_famille"]), float(a["part_pre"])]
         for p in donnees["parcours"] for a in p["actions"]],
        formats={1: DATE, 5: EURO, 6: EURO, 7: EURO},
    )  # fmt: skip
    add_table(
        workbook,
        "Revues",
        ["Parcours n°", "Date", "Contenu"],
        [[p["numero"], _date(v["date"]), v["contenu"]]
         for p in donnees["parcours"] for v in p["revues"]],
        formats={1: DATE},
    )  # fmt: skip
    return workbook


# Right to erasure ---------------------------------------------------------------------------


@transaction.atomic
def famille_effacer(*, enfant, user):
    """Erase the child's and its family's personal data (right to erasure, GDPR art. 17),
    in one transaction. Erased: the child's identity (name, first name, birth date), every
    guardian, every consent and its file, the free texts of referrals, commission
    situations and pathways, the pathways' reviews, and their names in the minutes of the
    commissions that examined the child. What stays cannot name anyone: the anonymous
    skeleton the statistics count (birth year, sex, quartier, school, class, referrals'
    kinds and reasons, EPS decisions, pathways' dates, axes, actions and satisfaction
    answers) and the log of
    reads (JournalAcces, kept by number). Returns the child, anonymised."""
    if not perms.can_erase_famille(user, enfant):
        raise PermissionDenied(INTERDIT_EFFACER)
    enfant = Enfant.objects.select_for_update().get(pk=enfant.pk)
    fichiers = [c.document for c in Consentement.objects.filter(enfant=enfant) if c.document]
    comptes_rendus_expurger([enfant])
    ResponsableLegal.objects.filter(enfant=enfant).delete()
    Consentement.objects.filter(enfant=enfant).delete()
    Reperage.objects.filter(enfant=enfant).update(commentaire=None)
    SituationCommission.objects.filter(reperage__enfant=enfant).update(commentaire=None)
    for parcours in Parcours.objects.filter(enfant=enfant):
        parcours.objectifs = None
        if isinstance(parcours.satisfaction, dict):
            # The answers (1 to 4) are counted; the family's own words are erased.
            parcours.satisfaction.pop("commentaire", None)
        parcours.save(update_fields=["objectifs", "satisfaction"])
    RevueParcours.objects.filter(parcours__enfant=enfant).delete()
    enfant.nom = None
    enfant.prenom = None
    enfant.date_naissance = None
    enfant.anonymise_le = timezone.now()
    enfant.version += 1
    enfant.full_clean(exclude=["nom", "prenom", "date_naissance"])
    enfant.save()

    def supprimer_fichiers():
        for fichier in fichiers:
            fichier.storage.delete(fichier.name)

    # The files go once the erasure is committed: a rollback keeps the family's documents.
    transaction.on_commit(supprimer_fichiers)
    return enfant
