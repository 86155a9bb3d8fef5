"""The committee pack as a workbook, written from selectors.dossier_comite."""

from cdv.excel import EURO, add_table, new_workbook

FEUILLE = "Dossier du comité"
COLONNES = [
    "Action",
    "Porteur",
    "Pilier",
    "Financeur",
    "Nature",
    "Montant demandé",
    "Avis",
    "Montant proposé",
]
DEMANDE, PROPOSE = COLONNES.index("Montant demandé"), COLONNES.index("Montant proposé")


def dossier_workbook(dossier, *, appel):
    """One row per action × solicited funder: the amount asked, the funder's opinion and the
    amount it proposes; totals as SUM formulas; euro formats."""
    workbook = new_workbook()
    workbook.properties.title = f"Dossier du comité — {appel.titre}"
    rows = [
        (
            item.action.intitule,
            item.action.porteur.nom,
            item.action.pilier.nom if item.action.pilier else "",
            ligne.financeur,
            ligne.nature,
            ligne.demande,
            ligne.sens_libelle,
            ligne.propose,
        )
        for item in dossier.actions
        for ligne in item.lignes
    ]
    add_table(
        workbook,
        FEUILLE,
        COLONNES,
        rows,
        formats={DEMANDE: EURO, PROPOSE: EURO},
        totals=(DEMANDE, PROPOSE),
    )
    return workbook
