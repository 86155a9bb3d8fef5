"""The workbook of the portraits: one sheet per quartier, read from quartiers.portrait.

Percentages are written as fractions with a percent format (39 % → 0.39) and gaps in
points as plain numbers; a secret is "s" and a missing figure "—", never 0.
"""

from openpyxl.styles import Alignment

from cdv.excel import EURO, add_table, new_workbook
from quartiers.enums import Unite
from quartiers.portrait import MANQUANT, SECRET

POURCENT = "0.0%"
POINTS = '+0.0" pts";-0.0" pts";0" pt"'
ENTIER = "# ##0"
DECIMAL = "# ##0.0"
FORMATS = {Unite.POURCENTAGE: POURCENT, Unite.EUROS: EURO, Unite.NOMBRE: ENTIER}
# Columns holding a value of the indicator's unit, and those holding a gap.
COLONNES_VALEURS = (4, 5, 6, 8)
COLONNES_ECARTS = (9, 10)


def _cellule(mesure, unite):
    if mesure.secret:
        return SECRET
    if mesure.valeur is None:
        return MANQUANT
    if unite == Unite.POURCENTAGE:
        return float(mesure.valeur) / 100
    return float(mesure.valeur)


def _ecart(ecart):
    return MANQUANT if ecart.valeur is None else float(ecart.valeur)


def portraits_workbook(portraits):
    """A workbook from [(sheet title, Portrait)]."""
    workbook = new_workbook()
    for titre, portrait in portraits:
        kinds = list(portrait.references)
        noms = {kind: portrait.references[kind].nom for kind in kinds}
        commune, epci = (kinds + [None, None])[:2]
        a_commune = noms.get(commune, "la commune")
        a_epci = noms.get(epci, "l'EPCI")
        headers = [
            "Thème",
            "Indicateur",
            "Source",
            "Millésime",
            portrait.quartier.nom,
            noms.get(commune, "Commune"),
            noms.get(epci, "EPCI"),
            "Millésime précédent",
            "Valeur précédente",
            f"Écart à {a_commune}",
            f"Écart à {a_epci}",
            f"Tendance de l'écart à {a_commune}",
            f"Tendance de l'écart à {a_epci}",
        ]
        rows, unites = [], []
        for theme in portrait.themes:
            for ligne in theme.lignes:
                indicateur = ligne.indicateur
                unite = indicateur.unite
                references = [ligne.references.get(kind) for kind in (commune, epci)]
                ecarts = [ligne.ecarts.get(kind) for kind in (commune, epci)]
                rows.append(
                    [
                        theme.libelle,
                        indicateur.libelle,
                        indicateur.get_source_display(),
                        ligne.valeur.millesime,
                        _cellule(ligne.valeur, unite),
                        *[_cellule(r, unite) if r else MANQUANT for r in references],
                        ligne.precedente.millesime or MANQUANT,
                        _cellule(ligne.precedente, unite),
                        *[_ecart(e) if e else MANQUANT for e in ecarts],
                        *[e.tendance_texte if e else MANQUANT for e in ecarts],
                    ]
                )
                unites.append(unite)
        sheet = add_table(workbook, titre, headers, rows)
        for number, unite in enumerate(unites, start=2):
            valeur_format = FORMATS.get(unite, DECIMAL)
            for column in COLONNES_VALEURS:
                sheet.cell(row=number, column=column + 1).number_format = valeur_format
            ecart_format = POINTS if unite == Unite.POURCENTAGE else valeur_format
            for column in COLONNES_ECARTS:
                sheet.cell(row=number, column=column + 1).number_format = ecart_format
            for column in range(1, len(headers) + 1):
                sheet.cell(row=number, column=column).alignment = Alignment(vertical="top")
        sheet.column_dimensions["B"].width = 45
    if not portraits:
        add_table(workbook, "Aucun quartier", ["Ce contrat n'a pas de quartier."], [])
    return workbook
