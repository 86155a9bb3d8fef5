"""The granted subsidies of a contract's year in the national SCDL « subventions » format
(schema v2.1.1, programmation/schemas/scdl-subventions.json), and who may publish them.

A subsidy is what one funder granted one action: its `montant_accorde` summed over its
funding lines, for the actions counted as funded (ETATS_PROGRAMMES) — the notion of the
bilan physico-financier, so the file's total for a year equals its `total_accorde`. A row
the schema would refuse (a funder without SIRET, a porteur with neither SIRET nor RNA, no
date) is held back and shown to staff as "à compléter": a published file always validates.
"""

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db.models import Max, Sum
from stdnum.fr import siret as stdnum_siret

from programmation import perms

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "scdl-subventions.json"

# The schema's columns, in its order (a test checks them against the JSON file).
CHAMPS = (
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "rnaBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
    "dispositifAide",
)
NUMERAIRE = "aide en numéraire"
UNIQUE, ECHELONNE, AUTRE = "unique", "échelonné", "autre"
OBJET_MAX = 256
ZERO = Decimal("0.00")
REFUS_PUBLICATION = "Seule l'équipe politique de la ville du contrat publie ses données."


def schema():
    """The official Table Schema, as a dict."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@dataclass
class SubventionSCDL:
    """One granted subsidy: one funder, one action. `anomalies` keep it out of the file;
    `avertissements` do not."""

    action_id: int
    financeur_id: int
    annee: int
    nom_attribuant: str
    id_attribuant: str
    date_convention: object  # datetime.date | None
    reference_decision: str
    nom_beneficiaire: str
    id_beneficiaire: str
    rna_beneficiaire: str
    objet: str
    montant: Decimal
    conditions_versement: str
    dates_versement: str
    anomalies: list = field(default_factory=list)
    avertissements: list = field(default_factory=list)

    @property
    def publiable(self):
        return not self.anomalies

    def valeurs(self):
        """The row as the schema writes it: ISO dates, decimal point, 'oui'/'non'."""
        return {
            "nomAttribuant": self.nom_attribuant,
            "idAttribuant": self.id_attribuant,
            "dateConvention": self.date_convention.isoformat() if self.date_convention else "",
            "referenceDecision": self.reference_decision,
            "nomBeneficiaire": self.nom_beneficiaire,
            "idBeneficiaire": self.id_beneficiaire,
            "rnaBeneficiaire": self.rna_beneficiaire,
            "objet": self.objet,
            "montant": f"{self.montant:.2f}",
            "nature": NUMERAIRE,
            "conditionsVersement": self.conditions_versement,
            "datesPeriodeVersement": self.dates_versement,
            # Only aids to businesses listed in the RAE have an idRAE; none here.
            "idRAE": "",
            # Politique de la ville subsidies are not de minimis aids notified to the EU.
            "notificationUE": "non",
            # One beneficiary per subsidy: 100 %.
            "pourcentageSubvention": "1.00",
            "dispositifAide": "",
        }


@dataclass(frozen=True)
class AnneeSCDL:
    """A year of the contract on the open-data page."""

    annee: int
    nb_subventions: int  # published rows
    montant_total: Decimal  # of the published rows
    nb_a_completer: int
    nb_avertissements: int
    publication: object  # PublicationSCDL | None


def _siret(value):
    return value if value and stdnum_siret.is_valid(value) else ""


def _versements(dates, total_verse, montant):
    """(conditionsVersement, datesPeriodeVersement) from the payments of the convention:
    one payment day that settled it → unique; several days, or a part still to pay →
    échelonné; nothing paid yet → autre (modalities unknown to the platform)."""
    if not dates:
        return AUTRE, None
    premier, dernier = min(dates), max(dates)
    periode = premier.isoformat() if premier == dernier else f"{premier}/{dernier}"
    if len(dates) == 1 and total_verse >= montant:
        return UNIQUE, periode
    return ECHELONNE, periode


def subventions(*, contrat, annees):
    """The granted subsidies of `contrat` for the programming years `annees`, sorted by
    funder, beneficiary and title. Public data: not scoped to a user. Six queries.

    The convention is the funder's one on the action; for a year of a multi-year convention
    (CPO) without its own, the CPO signed on an earlier year of the renewed action. Without
    a convention, the decision's date: the call's committee, else the day the action was
    programmed.
    """
    from programmation.enums import ETATS_PROGRAMMES
    from programmation.models import (
        Action,
        Convention,
        Financement,
        MontantAnnuel,
        TransitionAction,
        Versement,
    )

    annees = list(annees)
    accordes = list(
        Financement.objects.filter(
            action__appel__contrat=contrat,
            action__appel__annee__in=annees,
            action__etat__in=ETATS_PROGRAMMES,
            montant_accorde__gt=0,
        )
        .order_by()
        .values(
            "action",
            "financeur",
            "action__appel__annee",
            "action__appel__date_comite",
            "action__intitule",
            "action__porteur__nom",
            "action__porteur__siret",
            "action__porteur__rna",
            "financeur__nom",
            "financeur__siret",
        )
        .annotate(montant=Sum("montant_accorde"))
    )
    conventions = {
        (c["action"], c["financeur"]): c
        for c in Convention.objects.filter(action__appel__contrat=contrat).values(
            "pk", "action", "financeur", "numero", "date_signature", "montant", "pluriannuelle"
        )
    }
    paiements = defaultdict(lambda: {"dates": set(), "total": ZERO})
    for v in (
        Versement.objects.filter(convention__action__appel__contrat=contrat)
        .order_by()
        .values("convention", "date")
        .annotate(total=Sum("montant"))
    ):
        paiements[v["convention"]]["dates"].add(v["date"])
        paiements[v["convention"]]["total"] += v["total"]
    annees_cpo = defaultdict(set)
    for convention_id, annee in MontantAnnuel.objects.filter(
        convention__action__appel__contrat=contrat
    ).values_list("convention", "annee"):
        annees_cpo[convention_id].add(annee)
    reconduite = dict(
        Action.objects.filter(appel__contrat=contrat, reconduction_de__isnull=False).values_list(
            "pk", "reconduction_de"
        )
    )
    programmees = dict(
        TransitionAction.objects.filter(
            action__appel__contrat=contrat, action__appel__annee__in=annees, code="programmer"
        )
        .order_by()
        .values("action")
        .annotate(date=Max("date"))
        .values_list("action", "date")
    )

    def convention_de(action_id, financeur_id, annee):
        convention = conventions.get((action_id, financeur_id))
        if convention is not None:
            return convention, False
        ancetre = reconduite.get(action_id)
        while ancetre is not None:
            cpo = conventions.get((ancetre, financeur_id))
            if cpo is not None and cpo["pluriannuelle"] and annee in annees_cpo[cpo["pk"]]:
                return cpo, True
            ancetre = reconduite.get(ancetre)
        return None, False

    lignes = []
    for row in accordes:
        annee, montant = row["action__appel__annee"], Decimal(row["montant"]).quantize(ZERO)
        convention, par_cpo = convention_de(row["action"], row["financeur"], annee)
        conditions, periode = AUTRE, None
        if convention is not None:
            date, reference = convention["date_signature"], convention["numero"]
            if not par_cpo:
                paye = paiements.get(convention["pk"], {"dates": set(), "total": ZERO})
                conditions, periode = _versements(paye["dates"], paye["total"], montant)
        else:
            reference = ""
            date = row["action__appel__date_comite"]
            if date is None and row["action"] in programmees:
                date = programmees[row["action"]].date()
        if periode is None:
            # Unknown payment days: the programming year, as a period (the schema's rule).
            periode = f"{annee}-01-01/{annee}-12-31"
        porteur = row["action__porteur__nom"]
        ligne = SubventionSCDL(
            action_id=row["action"],
            financeur_id=row["financeur"],
            annee=annee,
            nom_attribuant=row["financeur__nom"],
            id_attribuant=_siret(row["financeur__siret"]),
            date_convention=date,
            reference_decision=reference,
            nom_beneficiaire=porteur,
            id_beneficiaire=_siret(row["action__porteur__siret"]),
            rna_beneficiaire=row["action__porteur__rna"] or "",
            objet=row["action__intitule"][:OBJET_MAX],
            montant=montant,
            conditions_versement=conditions,
            dates_versement=periode,
        )
        if not ligne.id_attribuant:
            ligne.anomalies.append(
                f"Le financeur « {ligne.nom_attribuant} » n'a pas de numéro SIRET valide."
            )
        if not (ligne.id_beneficiaire or ligne.rna_beneficiaire):
            ligne.anomalies.append(f"Le porteur « {porteur} » n'a ni numéro SIRET ni numéro RNA.")
        elif not ligne.id_beneficiaire:
            ligne.avertissements.append(
                f"« {porteur} » n'est identifiée que par son numéro RNA : le format ne dispense "
                "du SIRET que les aides en nature ; demandez-lui son numéro SIRET."
            )
        if date is None:
            ligne.anomalies.append(
                "Ni convention signée, ni date de comité de programmation : la date manque."
            )
        lignes.append(ligne)
    return sorted(
        lignes,
        key=lambda s: (s.annee, s.nom_attribuant, s.nom_beneficiaire, s.objet, s.action_id),
    )


def subventions_publiables(*, contrat, annee):
    """The rows of the file of `annee`: the subsidies without anomaly."""
    return [s for s in subventions(contrat=contrat, annees=[annee]) if s.publiable]


def csv_subventions(lignes):
    """The SCDL file: UTF-8 text, comma-separated, the schema's field names as header."""
    sortie = io.StringIO()
    writer = csv.DictWriter(sortie, fieldnames=CHAMPS, lineterminator="\r\n")
    writer.writeheader()
    for ligne in lignes:
        writer.writerow(ligne.valeurs())
    return sortie.getvalue()


def annees_scdl(*, contrat):
    """Each year of the contract: its publishable subsidies (number, total), those to
    complete, those with a warning, and its publication if any."""
    from programmation.models import PublicationSCDL

    annees = range(contrat.annee_debut, contrat.annee_fin + 1)
    par_annee = defaultdict(list)
    for ligne in subventions(contrat=contrat, annees=annees):
        par_annee[ligne.annee].append(ligne)
    publications = {
        p.annee: p
        for p in PublicationSCDL.objects.filter(contrat=contrat).select_related("publie_par")
    }
    resultat = []
    for annee in annees:
        lignes = par_annee.get(annee, [])
        publiables = [s for s in lignes if s.publiable]
        resultat.append(
            AnneeSCDL(
                annee=annee,
                nb_subventions=len(publiables),
                montant_total=sum((s.montant for s in publiables), ZERO),
                nb_a_completer=len(lignes) - len(publiables),
                nb_avertissements=sum(1 for s in publiables if s.avertissements),
                publication=publications.get(annee),
            )
        )
    return resultat


def est_publiee(contrat, annee):
    from programmation.models import PublicationSCDL

    return PublicationSCDL.objects.filter(contrat=contrat, annee=annee).exists()


# Writes -------------------------------------------------------------------------------------


def publication_publish(*, contrat, annee, user):
    """Publish the subsidies of `annee`: the file becomes downloadable without an account.
    Only a year of the contract with at least one publishable subsidy."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db import transaction

    from programmation.models import PublicationSCDL

    if not perms.can_publish_opendata(user, contrat):
        raise PermissionDenied(
            "Seule l'équipe politique de la ville du contrat publie ses données."
        )
    if not contrat.annee_debut <= annee <= contrat.annee_fin:
        raise ValidationError(
            f"L'année doit appartenir à la période du contrat "
            f"({contrat.annee_debut}–{contrat.annee_fin})."
        )
    if not subventions_publiables(contrat=contrat, annee=annee):
        raise ValidationError(f"Aucune subvention accordée à publier pour {annee}.")
    with transaction.atomic():
        publication, _ = PublicationSCDL.objects.get_or_create(
            contrat=contrat, annee=annee, defaults={"publie_par": user}
        )
    return publication


def publication_withdraw(*, contrat, annee, user):
    """Withdraw the publication of `annee`: its public address answers 404 again."""
    from django.core.exceptions import PermissionDenied

    from programmation.models import PublicationSCDL

    if not perms.can_publish_opendata(user, contrat):
        raise PermissionDenied(
            "Seule l'équipe politique de la ville du contrat publie ses données."
        )
    PublicationSCDL.objects.filter(contrat=contrat, annee=annee).delete()
