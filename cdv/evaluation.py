"""The evaluation workbook (issue 8 §3): the quantitative chapters of a contract's evaluation
report for a period, one sheet per chapter, produced on demand (docs/evaluation.md).

Every figure is read from its module's selector — the bilan physico-financier, the gaps
table, the GUP statistics and TFPB bilan, the PRE statistics, the CitésLab report — so the
workbook shows the numbers of each module's own page and export for the same period. A
chapter the user may not read becomes a sheet saying so. Built by a background task: the
caller passes `progression(pct, message)` to report its progress. The chapters are in
cdv/evaluation_chapitres.py, the layout in cdv/evaluation_excel.py.
"""

from django.utils import timezone

from cdv import evaluation_chapitres as chapitres
from cdv.evaluation_excel import CHAPITRES, NON_ACCESSIBLE, NON_DISPONIBLE, Contexte
from cdv.excel import EURO, new_workbook
from cdv.perms import EVALUATION_ROLES

__all__ = [
    "CHAPITRES",
    "NON_ACCESSIBLE",
    "NON_DISPONIBLE",
    "can_build_classeur_evaluation",
    "classeur_evaluation",
]


def can_build_classeur_evaluation(user, contrat):
    """L'équipe politique de la ville et les partenaires (lecteurs, instructeurs financeurs)
    d'un contrat produisent son classeur d'évaluation."""
    if not user.is_authenticated or contrat is None:
        return False
    if user.is_superuser:
        return True
    return user.has_role(*EVALUATION_ROLES) and user.contrats.filter(pk=contrat.pk).exists()


# 1. Synthèse -------------------------------------------------------------------------------


def remplir_synthese(feuille, ctx):
    feuille.texte(
        "Chiffres clés de la période, repris des chapitres suivants (« non disponible » : "
        "chapitre non accessible avec vos droits)."
    )
    feuille.ligne += 1
    feuille.tableau(
        "Chiffres clés",
        ["Indicateur", "Valeur"],
        [(libelle, valeur) for libelle, valeur, _ in ctx.chiffres],
    )
    # The formats follow each figure (euros for credits, plain counts otherwise).
    premiere = feuille.ligne - 1 - len(ctx.chiffres)
    for offset, (_, valeur, number_format) in enumerate(ctx.chiffres):
        if number_format and not isinstance(valeur, str):
            feuille.sheet.cell(row=premiere + offset, column=2).number_format = number_format
    if ctx.bilan is not None:
        annees = feuille.tableau(
            "Crédits spécifiques et actions par année",
            ["Année", "Crédits spécifiques", "Actions financées"],
            [(a.annee, a.credits_specifiques, a.nb_actions) for a in ctx.bilan.annees],
            formats={1: EURO},
        )
        feuille.graphique(annees, [2], "Crédits spécifiques par année", axe="€", format_axe=EURO)
        feuille.graphique(annees, [3], "Actions financées par année", axe="Actions", courbe=True)
    return feuille.finir()


# The workbook ------------------------------------------------------------------------------

ETAPES = [
    (chapitres.feuille_bilan, "Bilan physico-financier"),
    (chapitres.feuille_quartiers, "Portraits et écarts des quartiers"),
    (chapitres.feuille_gup, "GUP et TFPB"),
    (chapitres.feuille_pre, "Programme de réussite éducative"),
    (chapitres.feuille_citeslab, "CitésLab"),
    (chapitres.feuille_gouvernance, "Gouvernance"),
]


def classeur_evaluation(
    *, user, contrat, annee_debut, annee_fin, progression=lambda pct, msg: None, today=None
):
    """The evaluation workbook of `contrat` over [annee_debut, annee_fin] as `user` may read
    it: a synthesis, then one sheet per chapter of the evaluation report, each opening with
    title rows (contract, period, date of production, source) and holding its tables and
    native charts. `progression(pct, message)` is called before each chapter and at 100."""
    if annee_fin < annee_debut:
        raise ValueError("L'année de fin précède l'année de début.")
    ctx = Contexte(
        user=user,
        contrat=contrat,
        annee_debut=annee_debut,
        annee_fin=annee_fin,
        today=today or timezone.localdate(),
    )
    workbook = new_workbook()
    workbook.properties.title = f"Évaluation {contrat.nom} {annee_debut}–{annee_fin}"
    workbook.properties.creator = "cdv"
    synthese = ctx.feuille(workbook, "synthese")
    for numero, (etape, libelle) in enumerate(ETAPES):
        progression(round(numero * 90 / len(ETAPES)), f"{libelle}…")
        etape(workbook, ctx)
    progression(90, "Synthèse…")
    remplir_synthese(synthese, ctx)
    progression(100, "Classeur prêt.")
    return workbook
