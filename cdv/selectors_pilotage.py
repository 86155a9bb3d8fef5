"""The contract dashboard (issue 8 §1): the contract at a glance for its team and partners.

Every figure is read from its module's selector, never recomputed here, so that the
dashboard shows the number of the module's own page for the same filters:
programmation (bilan physico-financier, late bilans), quartiers (gaps), GUP (statistics,
TFPB), PRE (statistics, masked) and CitésLab (activity report, masked for partners).
A block is None when the user may not read it.
"""

import datetime
from dataclasses import dataclass

# How many gaps the compact table shows (the gaps page lists all of them).
NB_ECARTS = 10


@dataclass(frozen=True)
class Ecarts:
    """The unfavourable gaps in percentage points, largest first (at most NB_ECARTS), and
    how many unfavourable gaps the whole table holds."""

    reference_libelle: str
    lignes: list
    nb_defavorables: int


@dataclass(frozen=True)
class ActiviteGup:
    statistiques: object  # gup.selectors.Statistiques
    # TFPB: the bilan of the period's last year and the yearly evolution within the period.
    tfpb: object  # gup.selectors_tfpb.BilanTFPB
    tfpb_evolution: list
    tfpb_quartier: object | None  # the quartier's row of the year, when filtered by quartier


@dataclass(frozen=True)
class FileActivePre:
    """The PRE's active file per year as its statistics page shows it (masked)."""

    libelle: str  # "Ensemble" or the quartier's name
    annees: list
    actifs: list  # one value per year: a count, « < 3 » or « secret »
    entrees: list
    sorties: list

    @property
    def lignes(self):
        return list(zip(self.annees, self.actifs, self.entrees, self.sorties, strict=True))


def _tracable(valeur):
    """A count as the chart draws it: masked counts (« < 3 », « secret ») are gaps."""
    return valeur if isinstance(valeur, int) else None


@dataclass
class TableauDeBord:
    contrat: object
    annee_min: int
    annee_max: int
    quartier: object | None
    pilier: object | None
    bilan: object  # programmation.selectors.BilanPhysicoFinancier (years only)
    piliers: list  # PbfPilier rows shown (the chosen pillar only, when filtered)
    quartiers: list  # PbfQuartier rows shown (the chosen quartier only, when filtered)
    bilans_en_retard: list | None = None
    versements_en_retard: list | None = None
    ecarts: Ecarts | None = None
    gup: ActiviteGup | None = None
    pre: FileActivePre | None = None
    citeslab: object | None = None  # citeslab.selectors.Rapport (masked unless staff)

    @property
    def annees(self):
        return list(range(self.annee_min, self.annee_max + 1))

    @property
    def part_reconductions(self):
        """Renewed actions / funded actions over the period (the bilan's figure)."""
        return self.bilan.totaux.part_reconductions

    def graphiques(self):
        """The charts' figures for json_script (numbers, not text)."""
        annees = self.bilan.annees
        data = {
            "credits": {
                "labels": [str(a.annee) for a in annees],
                "series": [
                    {
                        "label": "Crédits spécifiques (€)",
                        "data": [float(a.credits_specifiques) for a in annees],
                    }
                ],
                "euros": True,
            },
            "actions": {
                "labels": [str(a.annee) for a in annees],
                "series": [
                    {"label": "Actions nouvelles", "data": [a.nb_nouvelles for a in annees]},
                    {"label": "Reconductions", "data": [a.nb_reconductions for a in annees]},
                ],
                "empile": True,
            },
            "piliers": {
                "labels": [p.nom for p in self.piliers],
                "series": [
                    {
                        "label": "Crédits spécifiques (€)",
                        "data": [float(p.credits_specifiques) for p in self.piliers],
                    }
                ],
                "euros": True,
            },
            "quartiers": {
                "labels": [q.nom for q in self.quartiers],
                "series": [{"label": "Actions", "data": [q.nb_actions for q in self.quartiers]}],
            },
            "financeurs": {
                "labels": [f.nom for f in self.bilan.financeurs],
                "series": [
                    {
                        "label": "Montant accordé (€)",
                        "data": [float(f.total_accorde) for f in self.bilan.financeurs],
                    }
                ],
                "euros": True,
            },
        }
        if self.gup is not None:
            evolution = self.gup.statistiques.evolution
            data["gup"] = {
                "labels": [str(a.annee) for a in evolution],
                "series": [
                    {"label": "Reçus", "data": [a.recus for a in evolution]},
                    {"label": "Résolus", "data": [a.resolus for a in evolution]},
                ],
            }
            data["tfpb"] = {
                "labels": [str(a.annee) for a in self.gup.tfpb_evolution],
                "series": [
                    {
                        "label": "Abattement (€)",
                        "data": [float(a.abattement) for a in self.gup.tfpb_evolution],
                    },
                    {
                        "label": "Réalisé (€)",
                        "data": [float(a.realise) for a in self.gup.tfpb_evolution],
                    },
                ],
                "euros": True,
            }
        if self.pre is not None:
            data["pre"] = {
                "labels": [str(a) for a in self.pre.annees],
                "series": [
                    {
                        "label": "File active",
                        # Masked counts are gaps in the chart; the table says why.
                        "data": [_tracable(v) for v in self.pre.actifs],
                    }
                ],
            }
        if self.citeslab is not None:
            data["citeslab"] = {
                "labels": [ligne.libelle for ligne in self.citeslab.entonnoir],
                "series": [
                    {
                        "label": "Effectif",
                        "data": [
                            _tracable(ligne.valeurs["effectif"])
                            for ligne in self.citeslab.entonnoir
                        ],
                    }
                ],
            }
        return data


def _actions_suivies(*, user, contrat, annee_min, annee_max, quartier, pilier):
    """The actions of the chosen years, pillar and quartier the late lists look at."""
    from django.db.models import Exists, OuterRef

    from programmation.models import Action, ActionQuartier

    actions = Action.objects.for_user(user).filter(
        appel__contrat=contrat, appel__annee__gte=annee_min, appel__annee__lte=annee_max
    )
    if pilier is not None:
        actions = actions.filter(pilier=pilier)
    if quartier is not None:
        # As the programming table's quartier filter: EXISTS, an action counted once.
        parts = ActionQuartier.objects.filter(
            action=OuterRef("pk"), quartier=quartier
        )  # unscoped: under scoped actions
        actions = actions.filter(Exists(parts))
    return actions


def _bilans_en_retard(*, user, today, **filtres):
    from programmation import perms, selectors

    if not perms.can_list_bilans_en_retard(user):
        return None
    return selectors.bilans_en_retard(_actions_suivies(user=user, **filtres), today=today)


def _versements_en_retard(*, user, today, **filtres):
    from programmation import perms, selectors
    from programmation.models import Convention

    if not perms.can_list_bilans_en_retard(user):
        return None
    conventions = Convention.objects.for_user(user).filter(
        action__in=_actions_suivies(user=user, **filtres)
    )
    return selectors.versements_en_retard(conventions, today=today)


def _ecarts(*, user, contrat, quartier):
    from quartiers import ecarts, perms
    from quartiers.enums import Unite

    if not perms.can_view_ecarts(user):
        return None
    tableau = ecarts.tableau_ecarts(contrat=contrat, user=user)
    defavorables = [
        ligne
        for ligne in tableau.lignes
        if ligne.retard is not None
        and ligne.retard > 0
        and (quartier is None or ligne.quartier.pk == quartier.pk)
    ]
    # Only percentages compare with each other: points of % between indicators.
    en_points = [ligne for ligne in defavorables if ligne.indicateur.unite == Unite.POURCENTAGE]
    en_points.sort(key=lambda ligne: (-ligne.retard, ligne.quartier.nom, ligne.indicateur.code))
    return Ecarts(
        reference_libelle=tableau.reference_libelle,
        lignes=en_points[:NB_ECARTS],
        nb_defavorables=len(defavorables),
    )


def _gup(*, user, contrat, annees, quartier, today):
    from gup import perms, selectors, selectors_tfpb

    if not perms.can_view_gup(user):
        return None
    stats = selectors.statistiques(
        contrat=contrat, user=user, annees=annees, quartier=quartier, today=today
    )
    tfpb = selectors_tfpb.bilan_tfpb(user=user, contrat=contrat, annee=annees[-1])
    tfpb_quartier = None
    if quartier is not None:
        tfpb_quartier = next((q for q in tfpb.par_quartier if q.libelle == quartier.nom), None)
    return ActiviteGup(
        statistiques=stats,
        tfpb=tfpb,
        tfpb_evolution=[e for e in tfpb.evolution if annees[0] <= e.annee <= annees[-1]],
        tfpb_quartier=tfpb_quartier,
    )


def _pre(*, user, contrat, annees, quartier):
    from pre import selectors

    if not selectors.can_view_stats_pre(user, contrat):
        return None
    stats = selectors.statistiques(user=user, contrat=contrat, annees=annees).masquees()
    repartition = stats.repartition("quartier")
    ligne = repartition.total
    if quartier is not None:
        ligne = next(
            (ligne for ligne in repartition.lignes if ligne.libelle == quartier.nom),
            None,
        )
        if ligne is None:  # no child of the quartier: every count is 0
            zeros = [0] * len(annees)
            return FileActivePre(quartier.nom, list(annees), zeros, zeros, zeros)
    return FileActivePre(
        libelle=quartier.nom if quartier is not None else ligne.libelle,
        annees=list(annees),
        actifs=ligne.valeurs["actifs"],
        entrees=ligne.valeurs["entrees"],
        sorties=ligne.valeurs["sorties"],
    )


def _citeslab(*, user, contrat, annee_min, annee_max):
    from citeslab import perms, selectors

    if not perms.can_view_citeslab_stats(user, contrat):
        return None
    return selectors.rapport(
        user=user,
        contrat=contrat,
        debut=datetime.date(annee_min, 1, 1),
        fin=datetime.date(annee_max, 12, 31),
    )


def tableau_de_bord(*, user, contrat, annees, quartier=None, pilier=None, today=None):
    """The dashboard of `contrat` over the consecutive `annees` as `user` sees it, each block
    read from its module's selector with the filters that module supports:

    - programmation: the bilan physico-financier over the years (its page filters by year
      only: per pillar and per quartier, the chosen row is kept); late bilans of the
      actions of those years, of the pillar and the quartier;
    - quartiers: the unfavourable gaps of the gaps table (the chosen quartier's);
    - GUP: statistics of the problems reported in those years (of the quartier); TFPB bilan
      of the last year and the abatement and realised amounts of each year;
    - PRE: the active file per year (masked as on its page), of the quartier's children;
    - CitésLab: the funnel from 1 January of the first year to 31 December of the last.
    """
    from django.utils import timezone

    from programmation import selectors

    annees = sorted(annees)
    annee_min, annee_max = annees[0], annees[-1]
    today = today or timezone.localdate()
    bilan = selectors.bilan_physico_financier(
        contrat=contrat, annee_min=annee_min, annee_max=annee_max, user=user
    )
    piliers = bilan.piliers
    if pilier is not None:
        piliers = [p for p in piliers if p.pilier_id == pilier.pk]
    quartiers = bilan.quartiers
    if quartier is not None:
        quartiers = [q for q in quartiers if q.quartier_id == quartier.pk]
    tableau = TableauDeBord(
        contrat=contrat,
        annee_min=annee_min,
        annee_max=annee_max,
        quartier=quartier,
        pilier=pilier,
        bilan=bilan,
        piliers=piliers,
        quartiers=quartiers,
    )
    filtres = {
        "contrat": contrat,
        "annee_min": annee_min,
        "annee_max": annee_max,
        "quartier": quartier,
        "pilier": pilier,
    }
    tableau.bilans_en_retard = _bilans_en_retard(user=user, today=today, **filtres)
    tableau.versements_en_retard = _versements_en_retard(user=user, today=today, **filtres)
    tableau.ecarts = _ecarts(user=user, contrat=contrat, quartier=quartier)
    tableau.gup = _gup(user=user, contrat=contrat, annees=annees, quartier=quartier, today=today)
    tableau.pre = _pre(user=user, contrat=contrat, annees=annees, quartier=quartier)
    tableau.citeslab = _citeslab(
        user=user, contrat=contrat, annee_min=annee_min, annee_max=annee_max
    )
    return tableau
