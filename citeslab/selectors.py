"""Reads of CitésLab's activity report: the only place its figures are computed (the page,
the Excel workbook and the statistics API read them from here). Counts only, never an
identity; small counts masked for everyone but the contract's CitésLab staff.

Definitions (docs/citeslab-rapport.md), for a period [debut, fin], both days included:
- touchés: distinct beneficiaries with a contact in the period — first contact, a meeting
  of any kind, or a registration to an event;
- accompagnés: distinct beneficiaries with an individual interview in the period;
- orientés: distinct beneficiaries with a referral dated in the period;
- créateurs / entreprises créées: distinct beneficiaries with a creation dated in the period
  / the number of those creations;
- age: fin.year − annee_naissance; residence: the beneficiary's quartier (QPV or QVA of the
  contract), « Autres communes » without one.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from citeslab.enums import CanalEntree, KindEvenement, KindRencontre, Sexe, StatutEmploi
from citeslab.models import (
    Beneficiaire,
    ConfigurationCitesLab,
    Creation,
    Evenement,
    Orientation,
    Rencontre,
)
from citeslab.perms import can_view_citeslab_stats, is_citeslab_staff
from pre.selectors import SECRET, Ligne, Repartition, masquer, masquer_repartition
from quartiers.enums import QuartierKind
from quartiers.models import Quartier

__all__ = ["ETAPES", "SECRET", "TRANCHES_AGE", "Rapport", "rapport", "tableau"]

SEUIL_PAR_DEFAUT = 3
AUTRES_COMMUNES = "Autres communes"
ETAPES = [
    ("touches", "Personnes touchées"),
    ("accompagnes", "Personnes accompagnées"),
    ("orientes", "Personnes orientées"),
    ("createurs", "Créateurs d'entreprise"),
    ("entreprises", "Entreprises créées"),
]
# (code, label, first age, last age) — ages reached in the year the period ends.
TRANCHES_AGE = [
    ("moins_26", "Moins de 26 ans", 0, 25),
    ("26_35", "26 à 35 ans", 26, 35),
    ("36_45", "36 à 45 ans", 36, 45),
    ("46_55", "46 à 55 ans", 46, 55),
    ("plus_55", "Plus de 55 ans", 56, 999),
]


@dataclass
class LigneEvenement:
    code: str
    libelle: str
    nombre: int
    participants: int


@dataclass
class Rapport:
    """The report of one contract over one period, as one reader may see it: exact counts
    for the CitésLab staff, small counts masked (`masque`) for everyone else."""

    contrat_id: int
    debut: datetime.date
    fin: datetime.date
    seuil: int
    masque: bool
    # Ligne per funnel step, valeurs {"effectif": n}.
    entonnoir: list
    # pre.selectors.Repartition per dimension: one column per funnel step (valeurs {step: [n]}).
    repartitions: list = field(default_factory=list)
    evenements: list = field(default_factory=list)
    evenements_total: LigneEvenement | None = None

    def repartition(self, code):
        return next(r for r in self.repartitions if r.code == code)

    def etape(self, code):
        return next(ligne.valeurs["effectif"] for ligne in self.entonnoir if ligne.code == code)

    def masquee(self):
        """The same report with small counts masked: each funnel step alone, each breakdown
        column by column as in the PRE (a lone masked cell takes another with it). Events
        stay exact: public gatherings, their attendance is published."""
        return Rapport(
            contrat_id=self.contrat_id,
            debut=self.debut,
            fin=self.fin,
            seuil=self.seuil,
            masque=True,
            entonnoir=[
                Ligne(ligne.code, ligne.libelle, {"effectif": masquer(n, self.seuil)})
                for ligne in self.entonnoir
                for n in [ligne.valeurs["effectif"]]
            ],
            repartitions=[masquer_repartition(r, self.seuil) for r in self.repartitions],
            evenements=self.evenements,
            evenements_total=self.evenements_total,
        )

    def graphiques(self):
        """The charts' data for json_script (the format static/js/stats-graphiques.js draws): the
        funnel, then each breakdown with one series per funnel step; masked cells are gaps."""

        def tracable(valeur):
            return valeur if isinstance(valeur, int) else None

        entonnoir = {
            "id": "entonnoir",
            "labels": [ligne.libelle for ligne in self.entonnoir],
            "series": [
                {
                    "label": "Effectif",
                    "data": [tracable(ligne.valeurs["effectif"]) for ligne in self.entonnoir],
                }
            ],
        }
        evenements = {
            "id": "evenements",
            "labels": [ligne.libelle for ligne in self.evenements],
            "series": [
                {"label": "Événements", "data": [ligne.nombre for ligne in self.evenements]},
                {
                    "label": "Participants",
                    "data": [ligne.participants for ligne in self.evenements],
                },
            ],
        }
        return {
            "repartitions": [
                entonnoir,
                *(
                    {
                        "id": r.code,
                        "labels": [ligne.libelle for ligne in r.lignes],
                        "series": [
                            {
                                "label": libelle,
                                "data": [tracable(ligne.valeurs[code][0]) for ligne in r.lignes],
                            }
                            for code, libelle in r.mesures
                        ],
                    }
                    for r in self.repartitions
                ),
                evenements,
            ]
        }


def tableau(repartition):
    """Headers and rows of a breakdown as shown (page, workbook): one column per step."""
    entetes = [libelle for _, libelle in repartition.mesures]
    lignes = [
        (ligne.libelle, [ligne.valeurs[code][0] for code, _ in repartition.mesures])
        for ligne in [*repartition.lignes, repartition.total]
    ]
    return entetes, lignes


def seuil_masquage(contrat):
    config = ConfigurationCitesLab.objects.filter(contrat=contrat).only("seuil_masquage").first()
    return config.seuil_masquage if config else SEUIL_PAR_DEFAUT


def _tranche(age):
    return next(code for code, _, premier, dernier in TRANCHES_AGE if premier <= age <= dernier)


def _cube(contrat, debut, fin):
    """One grouped query: the funnel counts of the contract's beneficiaries, per combination
    of the breakdowns' dimensions (rows grow with combinations, never with people)."""
    periode = (debut, fin)
    # No for_user(): that scope is the records of the staff; rapport() checks the reader first.
    rencontres = Rencontre.objects.filter(beneficiaires=OuterRef("pk"), date__range=periode)
    evenements = Evenement.objects.filter(inscrits=OuterRef("pk"), date__range=periode)
    orientations = Orientation.objects.filter(
        projet__beneficiaire=OuterRef("pk"), date__range=periode
    )
    creations = (
        Creation.objects.filter(projet__beneficiaire=OuterRef("pk"), date__range=periode)
        .order_by()
        .values("projet__beneficiaire")
        .annotate(n=Count("pk"))
        .values("n")
    )
    touche = Q(date_premier_contact__range=periode) | Exists(rencontres) | Exists(evenements)
    beneficiaires = (
        Beneficiaire.objects.filter(contrat=contrat)
        .annotate(
            touche=ExpressionWrapper(touche, output_field=BooleanField()),
            accompagne=Exists(rencontres.filter(kind=KindRencontre.ENTRETIEN_INDIVIDUEL)),
            oriente=Exists(orientations),
            creations=Coalesce(Subquery(creations, output_field=IntegerField()), Value(0)),
        )
        .filter(Q(touche=True) | Q(oriente=True) | Q(creations__gt=0))
    )
    return (
        beneficiaires.values(
            "sexe", "annee_naissance", "quartier_id", "canal_entree", "statut_emploi"
        )
        .annotate(
            touches=Count("pk", filter=Q(touche=True)),
            accompagnes=Count("pk", filter=Q(accompagne=True)),
            orientes=Count("pk", filter=Q(oriente=True)),
            createurs=Count("pk", filter=Q(creations__gt=0)),
            entreprises=Sum("creations"),
        )
        .order_by()
    )


def _repartition(code, titre, categories, groupes):
    """A breakdown with a row per category [(key, label)], every one shown even at 0."""
    vide = {etape: [0] for etape, _ in ETAPES}
    lignes = [Ligne(str(cle), libelle, groupes.get(cle, vide)) for cle, libelle in categories]
    total = Ligne(
        "total",
        "Ensemble",
        {etape: [sum(ligne.valeurs[etape][0] for ligne in lignes)] for etape, _ in ETAPES},
    )
    return Repartition(code, titre, list(ETAPES), lignes, total)


def _evenements(contrat, debut, fin):
    rows = (
        Evenement.objects.filter(contrat=contrat, date__range=(debut, fin))
        .values("kind")
        .annotate(nombre=Count("pk"), participants=Sum("participants"))
        .order_by()
    )
    par_kind = {row["kind"]: row for row in rows}
    lignes = [
        LigneEvenement(
            kind,
            libelle,
            par_kind.get(kind, {}).get("nombre", 0),
            par_kind.get(kind, {}).get("participants") or 0,
        )
        for kind, libelle in KindEvenement.choices
    ]
    total = LigneEvenement(
        "total",
        "Ensemble",
        sum(ligne.nombre for ligne in lignes),
        sum(ligne.participants for ligne in lignes),
    )
    return lignes, total


def _rapport_exact(contrat, debut, fin):
    quartiers = list(
        Quartier.objects.filter(contrat=contrat).order_by("kind", "nom").values("pk", "nom", "kind")
    )
    # Each QPV by name, then each QVA, then the people living outside them.
    residences = [
        (q["pk"], f"{q['nom']} ({'QPV' if q['kind'] == QuartierKind.QPV else 'QVA'})")
        for kind in (QuartierKind.QPV, QuartierKind.QVA)
        for q in quartiers
        if q["kind"] == kind
    ]
    residences.append((None, AUTRES_COMMUNES))
    dimensions = {
        "sexe": ("Par sexe", list(Sexe.choices), lambda row: row["sexe"]),
        "age": (
            f"Par tranche d'âge (âge atteint en {fin.year})",
            [(code, libelle) for code, libelle, _, _ in TRANCHES_AGE],
            lambda row: _tranche(fin.year - row["annee_naissance"]),
        ),
        "residence": ("Par lieu de résidence", residences, lambda row: row["quartier_id"]),
        "canal": ("Par canal d'entrée", list(CanalEntree.choices), lambda row: row["canal_entree"]),
        "statut": (
            "Par situation vis-à-vis de l'emploi",
            list(StatutEmploi.choices),
            lambda row: row["statut_emploi"],
        ),
    }
    groupes = {code: {} for code in dimensions}
    totaux = dict.fromkeys((etape for etape, _ in ETAPES), 0)
    for row in _cube(contrat, debut, fin):
        for etape in totaux:
            totaux[etape] += row[etape] or 0
        for code, (_, _, cle) in dimensions.items():
            valeurs = groupes[code].setdefault(cle(row), {etape: [0] for etape, _ in ETAPES})
            for etape, _ in ETAPES:
                valeurs[etape][0] += row[etape] or 0
    evenements, evenements_total = _evenements(contrat, debut, fin)
    return Rapport(
        contrat_id=contrat.pk,
        debut=debut,
        fin=fin,
        seuil=seuil_masquage(contrat),
        masque=False,
        entonnoir=[Ligne(e, libelle, {"effectif": totaux[e]}) for e, libelle in ETAPES],
        repartitions=[
            _repartition(code, titre, categories, groupes[code])
            for code, (titre, categories, _) in dimensions.items()
        ],
        evenements=evenements,
        evenements_total=evenements_total,
    )


def rapport(*, user, contrat, debut, fin):
    """CitésLab's activity report of `contrat` over [debut, fin] as `user` may read it: exact
    for the contract's CitésLab staff, small counts masked for the other readers allowed by
    `can_view_citeslab_stats`; PermissionDenied for anyone else. Five queries after the
    permission checks, whatever the number of people."""
    staff = is_citeslab_staff(user, contrat)
    if not staff and not can_view_citeslab_stats(user, contrat):
        raise PermissionDenied
    exact = _rapport_exact(contrat, debut, fin)
    return exact if staff else exact.masquee()
