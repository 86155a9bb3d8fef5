"""Reads of the PRE's statistics: the only place its figures are computed (the page, the
Excel bilan and the partners' API read them from here). Counts only, never an identity.

The single door: `parcours_pour_statistiques(user, contrat)` returns the contract's
pathways only when `user` may read its aggregates (the PRE's staff, the admin PDV, the
partners — lecteur partenaire, instructeur financeur — following the contract, or a
superuser); every aggregate starts from it. EPS members, porteurs and GUP people are not
partners of the PRE: they get nothing.

Definitions (docs/pre-statistiques.md):
- only pathways that started (état « en cours » or « clos ») count; a child with two
  pathways in a year counts twice;
- file active of year Y: entered on or before 31/12/Y and not exited before 1/1/Y
  (`Parcours.objects.actifs_en`); entries: date_entree in Y; exits: date_sortie in Y;
- age: the age reached during Y, Y − annee_naissance (the age on 31 December), so that
  anonymised children (no birth date) count the same;
- EPS team: the team of the latest commission that decided « Entrée en parcours » on the
  pathway's referral (« Sans décision d'EPS » otherwise).
"""

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery

from cdv.enums import RoleCode
from cdv.models import Contrat
from pre.enums import (
    TRANCHES_AGE,
    Adhesion,
    DecisionEPS,
    EtatParcours,
    KindReperant,
    MotifSortie,
    Sexe,
)
from pre.models import ConfigurationPRE, Parcours, SituationCommission

ROLES_STATISTIQUES = (
    RoleCode.REFERENT_PRE,
    RoleCode.ADMIN_PDV,
    RoleCode.LECTEUR_PARTENAIRE,
    RoleCode.INSTRUCTEUR_FINANCEUR,
)
ROLES_REGISTRE = (RoleCode.REFERENT_PRE, RoleCode.ADMIN_PDV)
MESURES = [
    ("actifs", "File active"),
    ("entrees", "Entrées"),
    ("sorties", "Sorties"),
]
SEUIL_PAR_DEFAUT = 3
SECRET = "secret"
AUTRE_AGE = "Autre âge"


# Who reads -------------------------------------------------------------------------------


def contrats_statistiques(user):
    """Les contrats dont `user` lit les statistiques du PRE : ceux qu'il suit comme équipe du
    PRE, administrateur politique de la ville, lecteur partenaire ou instructeur financeur
    (un superutilisateur : tous)."""
    if user is None or not user.is_authenticated:
        return Contrat.objects.none()
    if user.is_superuser or user.has_role(*ROLES_STATISTIQUES):
        return Contrat.objects.for_user(user)
    return Contrat.objects.none()


def can_view_stats_pre(user, contrat):
    """Lit les statistiques du PRE du contrat : son équipe du PRE et ses partenaires."""
    return contrat is not None and contrats_statistiques(user).filter(pk=contrat.pk).exists()


def can_view_registre_pre(user, contrat):
    """Lit le registre des traitements du PRE du contrat : son équipe du PRE et son
    administrateur politique de la ville (un superutilisateur aussi : aucune donnée
    personnelle)."""
    if contrat is None or user is None or not user.is_authenticated:
        return False
    if not (user.is_superuser or user.has_role(*ROLES_REGISTRE)):
        return False
    return Contrat.objects.for_user(user).filter(pk=contrat.pk).exists()


def parcours_pour_statistiques(user, contrat):
    """The contract's pathways when `user` may read its aggregates, else none: the single
    door of every PRE statistic (never a way to show a pathway)."""
    if not can_view_stats_pre(user, contrat):
        return Parcours.objects.none()
    return Parcours.objects.filter(enfant__contrat=contrat)


def seuil_masquage(contrat):
    config = ConfigurationPRE.objects.filter(contrat=contrat).only("seuil_masquage").first()
    return config.seuil_masquage if config else SEUIL_PAR_DEFAUT


# The figures -------------------------------------------------------------------------------


@dataclass
class Ligne:
    code: str
    libelle: str
    # {"actifs": [n per year], "entrees": [...], "sorties": [...]}
    valeurs: dict


@dataclass
class Repartition:
    code: str
    titre: str
    mesures: list
    lignes: list
    total: Ligne


@dataclass
class Statistiques:
    contrat_id: int
    annees: list
    seuil: int
    repartitions: list = field(default_factory=list)

    def repartition(self, code):
        return next(r for r in self.repartitions if r.code == code)

    def masquees(self):
        """The same tables with small counts masked (see `masquer_repartition`)."""
        return StatistiquesMasquees(
            contrat_id=self.contrat_id,
            annees=self.annees,
            seuil=self.seuil,
            repartitions=[masquer_repartition(r, self.seuil) for r in self.repartitions],
        )


def _tracable(ligne, repartition, i):
    valeur = ligne.valeurs[repartition.mesures[0][0]][i]
    return valeur if isinstance(valeur, int) else None


@dataclass
class StatistiquesMasquees(Statistiques):
    def graphiques(self):
        """The charts' data (file active by category, one series per year; masked cells
        are gaps), for json_script."""
        return {
            "repartitions": [
                {
                    "id": r.code,
                    "labels": [ligne.libelle for ligne in r.lignes],
                    "series": [
                        {
                            "label": str(annee),
                            "data": [_tracable(ligne, r, i) for ligne in r.lignes],
                        }
                        for i, annee in enumerate(self.annees)
                    ],
                }
                for r in self.repartitions
            ]
        }


def _comptes(annees):
    """One COUNT per measure and year, in a single aggregate."""
    comptes = {}
    for annee in annees:
        actif = Q(date_entree__year__lte=annee) & (
            Q(date_sortie__isnull=True) | Q(date_sortie__year__gte=annee)
        )
        comptes[f"actifs_{annee}"] = Count("pk", filter=actif)
        comptes[f"entrees_{annee}"] = Count("pk", filter=Q(date_entree__year=annee))
        comptes[f"sorties_{annee}"] = Count(
            "pk", filter=Q(etat=EtatParcours.CLOS, date_sortie__year=annee)
        )
    return comptes


def _grouper(parcours, cle, annees):
    """{key: {measure: [n per year]}} — one query grouped by `cle`."""
    rows = parcours.values(cle).annotate(**_comptes(annees)).order_by()
    resultat = {}
    for row in rows:
        resultat[row[cle]] = {
            mesure: [row[f"{mesure}_{a}"] for a in annees] for mesure, _ in MESURES
        }
    return resultat


def _vide(annees):
    return {mesure: [0] * len(annees) for mesure, _ in MESURES}


def _additionner(cible, source):
    for mesure, valeurs in source.items():
        cible[mesure] = [a + b for a, b in zip(cible[mesure], valeurs, strict=True)]


def _repartition(code, titre, groupes, categories, annees, mesures=MESURES):
    """Rows in the order of `categories` [(key, label)]; keys absent from it are added
    under their own label after them. Every listed category shows, even at 0."""
    lignes = []
    total = Ligne("total", "Ensemble", _vide(annees))
    for cle, libelle in categories:
        valeurs = groupes.get(cle, _vide(annees))
        lignes.append(Ligne(str(cle), libelle, valeurs))
        _additionner(total.valeurs, valeurs)
    for ligne in lignes:
        ligne.valeurs = {m: ligne.valeurs[m] for m, _ in mesures}
    total.valeurs = {m: total.valeurs[m] for m, _ in mesures}
    return Repartition(code, titre, list(mesures), lignes, total)


def _tranche(age):
    for libelle, debut, fin in TRANCHES_AGE:
        if debut <= age <= fin:
            return libelle
    return AUTRE_AGE


def _par_age(parcours, annees):
    """Grouped by birth year in the database; each year's age bracket in Python."""
    par_naissance = _grouper(parcours, "enfant__annee_naissance", annees)
    categories = [(libelle, f"{libelle} ans") for libelle, _, _ in TRANCHES_AGE]
    categories.append((AUTRE_AGE, AUTRE_AGE))
    groupes = {cle: _vide(annees) for cle, _ in categories}
    for naissance, valeurs in par_naissance.items():
        for i, annee in enumerate(annees):
            cible = groupes[_tranche(annee - naissance)]
            for mesure, _ in MESURES:
                cible[mesure][i] += valeurs[mesure][i]
    return _repartition(
        "age", "Par tranche d'âge (âge atteint dans l'année)", groupes, categories, annees
    )


def _equipe_decisionnaire():
    """The name of the team whose commission decided the entry (the latest such decision)."""
    return Subquery(
        SituationCommission.objects.filter(
            reperage=OuterRef("reperage"), decision=DecisionEPS.ENTREE
        )
        .order_by("-commission__date", "-pk")
        .values("commission__equipe__nom")[:1]
    )


def statistiques(*, user, contrat, annees):
    """The PRE's statistics of `contrat` for `annees` as `user` may read them (raw counts;
    call `.masquees()` before showing them). One aggregate query per breakdown."""
    annees = list(annees)
    parcours = parcours_pour_statistiques(user, contrat).filter(
        etat__in=[EtatParcours.ACTIF, EtatParcours.CLOS], date_entree__isnull=False
    )
    stats = Statistiques(contrat_id=contrat.pk, annees=annees, seuil=seuil_masquage(contrat))
    quartiers = _grouper(parcours, "enfant__quartier__nom", annees)
    equipes = _grouper(parcours.annotate(equipe=_equipe_decisionnaire()), "equipe", annees)
    sans = "Sans décision d'EPS"
    stats.repartitions = [
        _repartition(
            "sexe", "Par sexe", _grouper(parcours, "enfant__sexe", annees), Sexe.choices, annees
        ),
        _par_age(parcours, annees),
        _repartition(
            "quartier",
            "Par quartier de résidence",
            quartiers,
            [(nom, nom) for nom in sorted(k for k in quartiers if k)] + [(None, "Hors quartiers")],
            annees,
        ),
        _repartition(
            "equipe",
            "Par équipe pluridisciplinaire de soutien",
            equipes,
            [(nom, f"EPS {nom}") for nom in sorted(k for k in equipes if k)] + [(None, sans)],
            annees,
        ),
        _repartition(
            "reperant",
            "Par origine du repérage",
            _grouper(parcours, "reperage__reperant", annees),
            [*KindReperant.choices, (None, "Sans repérage enregistré")],
            annees,
        ),
        _repartition(
            "adhesion",
            "Par adhésion des parents",
            _grouper(parcours, "adhesion", annees),
            [*Adhesion.choices, (None, "Non renseignée")],
            annees,
        ),
        _repartition(
            "motif_sortie",
            "Sorties par motif",
            _grouper(parcours.filter(etat=EtatParcours.CLOS), "motif_sortie", annees),
            MotifSortie.choices,
            annees,
            mesures=[MESURES[2]],
        ),
    ]
    return stats


# Masking -------------------------------------------------------------------------------------


def masquer(n, seuil):
    """A count as shown: 0 stays 0, 1 to seuil − 1 becomes « < seuil »."""
    return f"< {seuil}" if 0 < n < seuil else n


def masquer_repartition(repartition, seuil):
    """Small counts masked, column by column (a measure of a year). So that the total
    cannot give a masked cell back, when a column has exactly one masked cell the smallest
    other non-zero cell is masked too (« secret »); when there is no such cell, the total
    is. A total under the threshold is itself masked."""

    def colonne(valeurs, total):
        affiches = [masquer(n, seuil) for n in valeurs]
        masques = [i for i, n in enumerate(valeurs) if 0 < n < seuil]
        total_affiche = masquer(total, seuil)
        if len(masques) == 1 and isinstance(total_affiche, int):
            autres = [i for i, n in enumerate(valeurs) if n >= seuil]
            if autres:
                plus_petit = min(autres, key=lambda i: valeurs[i])
                affiches[plus_petit] = SECRET
            else:
                total_affiche = SECRET
        return affiches, total_affiche

    lignes = [Ligne(ligne.code, ligne.libelle, {}) for ligne in repartition.lignes]
    total = Ligne("total", repartition.total.libelle, {})
    for mesure, _ in repartition.mesures:
        total.valeurs[mesure] = []
        for ligne in lignes:
            ligne.valeurs[mesure] = []
        for i, n_total in enumerate(repartition.total.valeurs[mesure]):
            valeurs = [ligne.valeurs[mesure][i] for ligne in repartition.lignes]
            affiches, total_affiche = colonne(valeurs, n_total)
            for ligne, affiche in zip(lignes, affiches, strict=True):
                ligne.valeurs[mesure].append(affiche)
            total.valeurs[mesure].append(total_affiche)
    return Repartition(repartition.code, repartition.titre, repartition.mesures, lignes, total)


def tableau(repartition, annees):
    """Headers and rows of a breakdown as shown (pages, workbook): one column per measure
    and year."""
    entetes = [f"{libelle} {annee}" for _, libelle in repartition.mesures for annee in annees]
    lignes = [
        (ligne.libelle, [v for mesure, _ in repartition.mesures for v in ligne.valeurs[mesure]])
        for ligne in [*repartition.lignes, repartition.total]
    ]
    return entetes, lignes
