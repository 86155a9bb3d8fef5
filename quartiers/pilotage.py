"""The indicateurs resserrés' figures: the registry of the platform's computations and the
scoreboard (values against yearly targets).

Every computed value is read from its module's own selector, the one behind the module's
page and export, with the reader's scope — so a figure here is the figure a reader finds on
that page for the same year and quartier:

- actions and specific credits: programmation.selectors.bilan_physico_financier over one
  year (its total, pillar or quartier row);
- GUP: gup.selectors.statistiques for the problems reported in the year (its « Ensemble »);
- PRE: pre.selectors.statistiques(...).masquees(), the file active of the year;
- CitésLab: citeslab.selectors.rapport over the calendar year, as the reader gets it;
- late bilans: programmation.selectors.bilans_en_retard over the year's actions.

Small counts of the PRE and CitésLab stay masked exactly as on their pages (a `Masque`), and
a figure the reader may not open on its module's page is not communicated either.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cdv.formats import NBSP, montant, nombre, pourcentage
from quartiers.models_pilotage import SensPilotage, SourcePilotage, UnitePilotage

CENT = Decimal("100")
DEUX_DECIMALES = Decimal("0.01")


@dataclass(frozen=True)
class Masque:
    """A value withheld from this reader: a small count (« < 3 », « secret ») or a figure of
    a module the reader does not open."""

    texte: str
    raison: str


NON_COMMUNIQUE = Masque("non communiqué", "Chiffre d'un module que votre rôle n'ouvre pas")


def _petit_effectif(valeur):
    """A count as the PRE and CitésLab show it: an int, or a Masque for « < n » / « secret »."""
    if isinstance(valeur, int):
        return Decimal(valeur)
    return Masque(str(valeur), "Petit effectif masqué (secret statistique)")


# ---------------------------------------------------------------------------------------
# Reading the modules, once per scoreboard
# ---------------------------------------------------------------------------------------


class Lecture:
    """The modules' figures for one reader and one contract, each selector called once per
    year (and quartier) however many indicators read it."""

    def __init__(self, *, user, contrat, annees, today=None):
        self.user, self.contrat, self.annees = user, contrat, list(annees)
        self.today = today or timezone.localdate()
        self._cache = {}

    def _memo(self, key, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def voit_programmation(self):
        from programmation.perms import can_view_programmation

        return can_view_programmation(self.user)

    def pbf(self, annee):
        from programmation.selectors import bilan_physico_financier

        return self._memo(
            ("pbf", annee),
            lambda: bilan_physico_financier(
                contrat=self.contrat, annee_min=annee, annee_max=annee, user=self.user
            ),
        )

    def voit_gup(self):
        from gup.perms import can_view_gup

        return can_view_gup(self.user)

    def gup(self, annee, quartier):
        from gup.selectors import statistiques

        return self._memo(
            ("gup", annee, quartier and quartier.pk),
            lambda: statistiques(
                contrat=self.contrat,
                user=self.user,
                annees=[annee],
                quartier=quartier,
                today=self.today,
            ),
        )

    def pre(self):
        """The masked statistics of every year of the scoreboard at once: masking goes column
        by column (one measure of one year), so each year reads as on the PRE's page."""
        from pre.selectors import can_view_stats_pre, statistiques

        def compute():
            if not can_view_stats_pre(self.user, self.contrat):
                return None
            return statistiques(user=self.user, contrat=self.contrat, annees=self.annees).masquees()

        return self._memo(("pre",), compute)

    def citeslab(self, annee):
        from citeslab.selectors import rapport

        def compute():
            try:
                return rapport(
                    user=self.user,
                    contrat=self.contrat,
                    debut=datetime.date(annee, 1, 1),
                    fin=datetime.date(annee, 12, 31),
                )
            except PermissionDenied:
                return None

        return self._memo(("citeslab", annee), compute)

    def voit_bilans_en_retard(self):
        from programmation.perms import can_list_bilans_en_retard

        return can_list_bilans_en_retard(self.user)

    def bilans_en_retard(self, annee):
        from programmation.models import Action
        from programmation.selectors import bilans_en_retard

        def compute():
            actions = Action.objects.for_user(self.user).filter(appel__contrat=self.contrat)
            return bilans_en_retard(actions.filter(appel__annee=annee), today=self.today)

        return self._memo(("bilans", annee), compute)


# ---------------------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Calcul:
    """One figure of the platform an indicator may follow. `par_quartier` / `par_pilier`:
    None the filter is refused, False accepted (the pillar then only classes the indicator),
    True accepted and applied; `quartier_requis`: the figure only exists for a quartier."""

    code: str
    libelle: str
    unite: str
    sens: str
    fonction: object  # (lecture, annee, quartier or None, pilier or None) → Decimal|None|Masque
    par_quartier: bool | None
    par_pilier: bool | None
    quartier_requis: bool = False
    croise: bool = True  # quartier and pillar may both apply
    description: str = ""

    def erreurs(self, *, quartier, pilier):
        """Why an indicator of this computation cannot have this quartier and pillar (ids)."""
        errors = {}
        if quartier and self.par_quartier is None:
            errors["quartier"] = "Ce calcul ne se décline pas par quartier : laissez ce champ vide."
        if not quartier and self.quartier_requis:
            errors["quartier"] = "Ce calcul porte sur un quartier : choisissez-le."
        if pilier and self.par_pilier is None:
            errors["pilier"] = "Ce calcul ne se décline pas par pilier : laissez ce champ vide."
        if quartier and pilier and self.par_pilier and not self.croise:
            errors["pilier"] = (
                "Le bilan physico-financier ne croise pas pilier et quartier : choisissez "
                "l'un ou l'autre (ou un indicateur saisi)."
            )
        return errors


REGISTRE = {}


def calcul(code, libelle, unite, sens, **options):
    def register(fonction):
        REGISTRE[code] = Calcul(code, libelle, unite, sens, fonction, **options)
        return fonction

    return register


def choix_calculs():
    return [(c.code, c.libelle) for c in REGISTRE.values()]


def _ligne_pbf(bilan, quartier, pilier):
    """The bilan's row for the quartier, the pillar, or its totals; None: no such row (0)."""
    if quartier is not None:
        return next((q for q in bilan.quartiers if q.quartier_id == quartier.pk), None)
    if pilier is not None:
        return next((p for p in bilan.piliers if p.pilier_id == pilier.pk), None)
    return bilan.totaux


@calcul(
    "actions_programmees",
    "Nombre d'actions programmées",
    UnitePilotage.NOMBRE,
    SensPilotage.HAUSSE,
    par_quartier=True,
    par_pilier=True,
    croise=False,
    description="Actions financées de l'année (bilan physico-financier : total, ligne du "
    "pilier ou du quartier).",
)
def actions_programmees(lecture, annee, quartier, pilier):
    if not lecture.voit_programmation():
        return NON_COMMUNIQUE
    ligne = _ligne_pbf(lecture.pbf(annee), quartier, pilier)
    return Decimal(ligne.nb_actions if ligne else 0)


@calcul(
    "credits_specifiques",
    "Crédits spécifiques accordés",
    UnitePilotage.EUROS,
    SensPilotage.HAUSSE,
    par_quartier=True,
    par_pilier=True,
    croise=False,
    description="Crédits spécifiques accordés aux actions de l'année ; pour un quartier, la "
    "part imputée selon la répartition de chaque action (bilan physico-financier).",
)
def credits_specifiques(lecture, annee, quartier, pilier):
    if not lecture.voit_programmation():
        return NON_COMMUNIQUE
    ligne = _ligne_pbf(lecture.pbf(annee), quartier, pilier)
    return ligne.credits_specifiques if ligne else Decimal("0.00")


@calcul(
    "part_actions_quartier",
    "Part des actions programmées touchant le quartier",
    UnitePilotage.POURCENTAGE,
    SensPilotage.HAUSSE,
    par_quartier=True,
    par_pilier=False,
    quartier_requis=True,
    description="Actions de l'année menées (même en partie) dans le quartier ÷ actions de "
    "l'année (bilan physico-financier).",
)
def part_actions_quartier(lecture, annee, quartier, pilier):
    if not lecture.voit_programmation():
        return NON_COMMUNIQUE
    bilan = lecture.pbf(annee)
    if not bilan.totaux.nb_actions:
        return None
    ligne = _ligne_pbf(bilan, quartier, None)
    n = ligne.nb_actions if ligne else 0
    return (CENT * n / bilan.totaux.nb_actions).quantize(DEUX_DECIMALES)


@calcul(
    "part_credits_quartier",
    "Part des crédits spécifiques imputée au quartier",
    UnitePilotage.POURCENTAGE,
    SensPilotage.HAUSSE,
    par_quartier=True,
    par_pilier=False,
    quartier_requis=True,
    description="Colonne « part » du quartier dans le bilan physico-financier de l'année.",
)
def part_credits_quartier(lecture, annee, quartier, pilier):
    if not lecture.voit_programmation():
        return NON_COMMUNIQUE
    ligne = _ligne_pbf(lecture.pbf(annee), quartier, None)
    if ligne is None:
        return None if not lecture.pbf(annee).totaux.credits_specifiques else Decimal("0.00")
    return None if ligne.part is None else (ligne.part * CENT).quantize(DEUX_DECIMALES)


@calcul(
    "taux_cofinancement",
    "Taux de cofinancement des crédits spécifiques",
    UnitePilotage.POURCENTAGE,
    SensPilotage.HAUSSE,
    par_quartier=None,
    par_pilier=False,
    description="Autres financements accordés ÷ crédits spécifiques de l'année (bilan "
    "physico-financier).",
)
def taux_cofinancement(lecture, annee, quartier, pilier):
    if not lecture.voit_programmation():
        return NON_COMMUNIQUE
    taux = lecture.pbf(annee).totaux.taux_cofinancement
    return None if taux is None else (taux * CENT).quantize(DEUX_DECIMALES)


@calcul(
    "part_bilans_en_retard",
    "Part des actions programmées dont le bilan est en retard",
    UnitePilotage.POURCENTAGE,
    SensPilotage.BAISSE,
    par_quartier=None,
    par_pilier=False,
    description="Actions de l'année dont le bilan est attendu après la date limite (page "
    "« Bilans en retard ») ÷ actions programmées de l'année, à la date du jour.",
)
def part_bilans_en_retard(lecture, annee, quartier, pilier):
    if not (lecture.voit_programmation() and lecture.voit_bilans_en_retard()):
        return NON_COMMUNIQUE
    total = lecture.pbf(annee).totaux.nb_actions
    if not total:
        return None
    return (CENT * len(lecture.bilans_en_retard(annee)) / total).quantize(DEUX_DECIMALES)


@calcul(
    "gup_delai_median",
    "Délai médian de traitement des signalements GUP",
    UnitePilotage.JOURS,
    SensPilotage.BAISSE,
    par_quartier=True,
    par_pilier=False,
    description="Signalements signalés dans l'année et résolus : délai médian en jours "
    "(statistiques de la GUP, ligne « Ensemble »).",
)
def gup_delai_median(lecture, annee, quartier, pilier):
    if not lecture.voit_gup():
        return NON_COMMUNIQUE
    return lecture.gup(annee, quartier).total.mediane


@calcul(
    "gup_part_dans_delai",
    "Part des signalements GUP résolus dans le délai",
    UnitePilotage.POURCENTAGE,
    SensPilotage.HAUSSE,
    par_quartier=True,
    par_pilier=False,
    description="Parmi les signalements de l'année résolus et ayant une échéance, ceux "
    "résolus avant l'échéance (statistiques de la GUP, ligne « Ensemble »).",
)
def gup_part_dans_delai(lecture, annee, quartier, pilier):
    if not lecture.voit_gup():
        return NON_COMMUNIQUE
    part = lecture.gup(annee, quartier).total.part_dans_delai
    return None if part is None else (part * CENT).quantize(DEUX_DECIMALES)


@calcul(
    "gup_en_retard",
    "Signalements GUP ouverts en retard",
    UnitePilotage.NOMBRE,
    SensPilotage.BAISSE,
    par_quartier=True,
    par_pilier=False,
    description="Signalements de l'année encore ouverts après leur échéance, à la date du "
    "jour (statistiques de la GUP, ligne « Ensemble »).",
)
def gup_en_retard(lecture, annee, quartier, pilier):
    if not lecture.voit_gup():
        return NON_COMMUNIQUE
    return Decimal(lecture.gup(annee, quartier).total.en_retard)


@calcul(
    "pre_file_active",
    "File active du PRE",
    UnitePilotage.NOMBRE,
    SensPilotage.HAUSSE,
    par_quartier=True,
    par_pilier=False,
    description="Parcours ouverts dans l'année (statistiques du PRE, par quartier de "
    "résidence ; petits effectifs masqués).",
)
def pre_file_active(lecture, annee, quartier, pilier):
    stats = lecture.pre()
    if stats is None:
        return NON_COMMUNIQUE
    i = stats.annees.index(annee)
    repartition = stats.repartition("quartier")
    if quartier is None:
        return _petit_effectif(repartition.total.valeurs["actifs"][i])
    ligne = next((li for li in repartition.lignes if li.code == quartier.nom), None)
    return Decimal(0) if ligne is None else _petit_effectif(ligne.valeurs["actifs"][i])


@calcul(
    "citeslab_accompagnes",
    "Personnes accompagnées par CitésLab",
    UnitePilotage.NOMBRE,
    SensPilotage.HAUSSE,
    par_quartier=True,
    par_pilier=False,
    description="Personnes ayant eu un entretien individuel dans l'année civile (rapport "
    "d'activité de CitésLab, par lieu de résidence ; petits effectifs masqués hors équipe "
    "CitésLab).",
)
def citeslab_accompagnes(lecture, annee, quartier, pilier):
    rapport = lecture.citeslab(annee)
    if rapport is None:
        return NON_COMMUNIQUE
    if quartier is None:
        return _petit_effectif(rapport.etape("accompagnes"))
    residence = rapport.repartition("residence")
    ligne = next((li for li in residence.lignes if li.code == str(quartier.pk)), None)
    return Decimal(0) if ligne is None else _petit_effectif(ligne.valeurs["accompagnes"][0])


# ---------------------------------------------------------------------------------------
# The scoreboard
# ---------------------------------------------------------------------------------------


def cible_atteinte(valeur, cible, sens):
    """True / False when both are known numbers; None otherwise (nothing to judge)."""
    if cible is None or valeur is None or isinstance(valeur, Masque):
        return None
    if sens == SensPilotage.BAISSE:
        return valeur <= cible
    return valeur >= cible


def texte(valeur, unite):
    """A value as read in French: 1 234,50 €, 12,5 %, 4,5 jours, 1 234; « — » when none."""
    if valeur is None:
        return "—"
    if isinstance(valeur, Masque):
        return valeur.texte
    if unite == UnitePilotage.EUROS:
        return montant(valeur)
    if unite == UnitePilotage.POURCENTAGE:
        return pourcentage(valeur)
    if unite == UnitePilotage.JOURS:
        return f"{nombre(valeur)}{NBSP}jour{'s' if abs(valeur) >= 2 else ''}"
    return nombre(valeur)


@dataclass
class Cellule:
    annee: int
    unite: str
    valeur: object  # Decimal, None (no figure) or Masque
    cible: Decimal | None
    atteinte: bool | None
    commentaire: str = ""

    @property
    def masque(self):
        return isinstance(self.valeur, Masque)

    @property
    def valeur_texte(self):
        return texte(self.valeur, self.unite)

    @property
    def cible_texte(self):
        return texte(self.cible, self.unite)

    @property
    def etat_texte(self):
        """Said in words, never by colour alone."""
        if self.atteinte is None:
            return ""
        return "cible atteinte" if self.atteinte else "cible non atteinte"


@dataclass
class LigneTableau:
    indicateur: object
    cellules: list
    calcul: Calcul | None = None


@dataclass
class Groupe:
    pilier: object  # Pilier or None
    quartier: object  # Quartier or None
    lignes: list = field(default_factory=list)

    @property
    def titre(self):
        pilier = self.pilier.nom if self.pilier else "Tous piliers"
        quartier = self.quartier.nom if self.quartier else "ensemble du contrat"
        return f"{pilier} — {quartier}"


@dataclass
class TableauBord:
    contrat: object
    annees: list
    groupes: list

    @property
    def nb_indicateurs(self):
        return sum(len(g.lignes) for g in self.groupes)


def annees_du_contrat(contrat):
    return list(range(contrat.annee_debut, contrat.annee_fin + 1))


def _cle_groupe(indicateur):
    pilier, quartier = indicateur.pilier, indicateur.quartier
    return (
        pilier is None,
        pilier.ordre if pilier else 0,
        pilier.nom if pilier else "",
        quartier is not None,
        quartier.nom if quartier else "",
    )


def tableau_de_bord(*, contrat, user, pilier=None, quartier=None, today=None):
    """The indicateurs resserrés of `contrat` that `user` reads, grouped by pillar then
    quartier (the whole contract first), each with its value and target for every year of
    the contract. Computed values stop at the current year. Two queries for the indicators
    and their targets, then one selector call per module, year (and quartier) read."""
    from quartiers.models_pilotage import IndicateurPilotage

    today = today or timezone.localdate()
    annees = annees_du_contrat(contrat)
    indicateurs = (
        IndicateurPilotage.objects.for_user(user)
        .filter(contrat=contrat)
        .select_related("pilier", "quartier")
        .prefetch_related("cibles")
    )
    if pilier is not None:
        indicateurs = indicateurs.filter(pilier=pilier)
    if quartier is not None:
        indicateurs = indicateurs.filter(quartier=quartier)
    lecture = Lecture(
        user=user,
        contrat=contrat,
        annees=[a for a in annees if a <= today.year],
        today=today,
    )
    groupes = {}
    for indicateur in sorted(indicateurs, key=lambda i: (_cle_groupe(i), i.ordre, i.libelle)):
        groupe = groupes.setdefault(
            _cle_groupe(indicateur), Groupe(indicateur.pilier, indicateur.quartier)
        )
        groupe.lignes.append(_ligne(indicateur, annees, lecture))
    return TableauBord(contrat=contrat, annees=annees, groupes=list(groupes.values()))


def _ligne(indicateur, annees, lecture):
    cibles = {c.annee: c for c in indicateur.cibles.all()}
    calcul_ = REGISTRE.get(indicateur.calcul) if indicateur.est_calcule else None
    cellules = []
    for annee in annees:
        cible = cibles.get(annee)
        if indicateur.source == SourcePilotage.SAISI:
            valeur = cible.valeur_saisie if cible else None
        elif calcul_ is None or annee not in lecture.annees:
            valeur = None
        else:
            valeur = calcul_.fonction(
                lecture,
                annee,
                indicateur.quartier if calcul_.par_quartier else None,
                indicateur.pilier if calcul_.par_pilier else None,
            )
        objectif = cible.cible if cible else None
        cellules.append(
            Cellule(
                annee=annee,
                unite=indicateur.unite,
                valeur=valeur,
                cible=objectif,
                atteinte=cible_atteinte(valeur, objectif, indicateur.sens),
                commentaire=cible.commentaire if cible else "",
            )
        )
    return LigneTableau(indicateur=indicateur, cellules=cellules, calcul=calcul_)


# ---------------------------------------------------------------------------------------
# Writes
# ---------------------------------------------------------------------------------------

CONFLIT = (
    "Cet indicateur a été modifié par quelqu'un d'autre pendant votre saisie : rechargez la "
    "page pour repartir de sa dernière version."
)


def _prendre_version(indicateur, version):
    """Bump the indicator's version if it is still `version` (else someone saved meanwhile)."""
    from django.core.exceptions import ValidationError
    from django.db.models import F

    from quartiers.models_pilotage import IndicateurPilotage

    # unscoped: the indicator was reached through the reader's scope by the caller.
    changed = IndicateurPilotage.objects.filter(pk=indicateur.pk, version=version).update(
        version=F("version") + 1
    )
    if not changed:
        raise ValidationError(CONFLIT)
    indicateur.version = version + 1


def indicateur_save(*, indicateur, version=None):
    """Create or update an indicator (validated); an update sent over an older `version`
    is refused. One transaction."""
    from django.db import transaction

    indicateur.full_clean()
    with transaction.atomic():
        if indicateur.pk:
            _prendre_version(indicateur, version)
        indicateur.save()
    return indicateur


def cibles_save(*, indicateur, version, lignes):
    """Replace the targets of `indicateur` by `lignes` ({year: (target, value entered,
    comment)}), refused when the indicator changed since `version`. One transaction."""
    from django.db import transaction

    from quartiers.models_pilotage import CiblePilotage

    with transaction.atomic():
        _prendre_version(indicateur, version)
        indicateur.cibles.exclude(annee__in=list(lignes)).delete()
        existantes = {c.annee: c for c in indicateur.cibles.all()}
        for annee, (cible, valeur, commentaire) in lignes.items():
            row = existantes.get(annee) or CiblePilotage(indicateur=indicateur, annee=annee)
            row.cible, row.valeur_saisie, row.commentaire = cible, valeur, commentaire
            row.full_clean()
            row.save()
