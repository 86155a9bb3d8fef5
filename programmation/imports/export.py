"""The programmation in the import's layout: rows, the workbook, and the empty template."""

from django.db.models import Prefetch
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from cdv.excel import EURO, TOTAL_FONT, add_table, new_workbook
from programmation.enums import EtatAction, NatureFinancement
from programmation.imports.layout import (
    COLONNES,
    COLONNES_MONTANT,
    COLONNES_SIRET,
    LISTES,
    MODE_EMPLOI,
    NON,
    OUI,
    PROGRAMMATION,
    format_quartiers,
    verses_par_nature,
)
from programmation.models import ActionQuartier, Convention, Financement

_NATURES = list(NatureFinancement.values)


def programmation_export_rows(actions):
    """The rows of `actions` (a queryset the caller scoped) in the import's layout: one per
    funding line (one with empty funding columns for an action without any), ordered by
    year, porteur and title. Four queries, whatever the number of actions."""
    actions = (
        actions.select_related("appel", "porteur", "pilier")
        .prefetch_related(
            Prefetch("quartiers", queryset=ActionQuartier.objects.select_related("quartier")),
            Prefetch("financements", queryset=Financement.objects.select_related("financeur")),
            Prefetch("conventions", queryset=Convention.objects.prefetch_related("versements")),
        )
        .order_by("appel__annee", "porteur__nom", "intitule", "pk")
    )
    rows = []
    for action in actions:
        debut = [
            action.appel.annee,
            action.porteur.siret,
            action.porteur.nom,
            action.intitule,
            action.pilier.nom if action.pilier else "",
            format_quartiers([(q.quartier, q.part) for q in action.quartiers.all()]),
            OUI if action.est_reconduction else NON,
            EtatAction(action.etat).label,
        ]
        lignes = sorted(
            action.financements.all(),
            key=lambda f: (_NATURES.index(f.nature), f.financeur.nom, f.pk),
        )
        if not lignes:
            rows.append(debut + [""] * 6)
            continue
        conventions = {c.financeur_id: c for c in action.conventions.all()}
        verses = {}
        for financeur_id in {f.financeur_id for f in lignes}:
            natures = [f.nature for f in lignes if f.financeur_id == financeur_id]
            convention = conventions.get(financeur_id)
            payes = verses_par_nature(convention.versements.all() if convention else [], natures)
            verses.update({(financeur_id, nature): m for nature, m in payes.items()})
        for f in lignes:
            verse = verses[(f.financeur_id, f.nature)]
            rows.append(
                debut
                + [
                    f.financeur.siret,
                    f.financeur.nom,
                    NatureFinancement(f.nature).label,
                    f.montant_demande,
                    f.montant_accorde,
                    verse or None,
                ]
            )
    return rows


def _listes(workbook, contrat):
    """A sheet of the values the drop-down lists offer (a label may hold a comma)."""
    colonnes = {
        "État": [label for _, label in EtatAction.choices],
        "Nature du financement": [label for _, label in NatureFinancement.choices],
        "Reconduction": [OUI, NON],
        "Pilier": [p.nom for p in contrat.piliers.all()] if contrat else [],
    }
    sheet = workbook.create_sheet(LISTES)
    ranges = {}
    for index, (titre, values) in enumerate(colonnes.items(), start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index, value=titre).font = TOTAL_FONT
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=index, value=value)
        sheet.column_dimensions[letter].width = 40
        if values:
            ranges[titre] = f"'{LISTES}'!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _validations(sheet, ranges, contrat):
    position = {c.key: get_column_letter(i) for i, c in enumerate(COLONNES, start=1)}
    last = 5000

    def add(validation, key):
        validation.error = "Valeur non prévue : consultez la feuille « Mode d'emploi »."
        validation.errorTitle = "Valeur invalide"
        validation.add(f"{position[key]}2:{position[key]}{last}")
        sheet.add_data_validation(validation)

    for key, titre in [
        ("etat", "État"),
        ("nature", "Nature du financement"),
        ("reconduction", "Reconduction"),
        ("pilier", "Pilier"),
    ]:
        if titre in ranges:
            add(DataValidation(type="list", formula1=ranges[titre], allow_blank=True), key)
    for key in COLONNES_MONTANT:
        add(DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0"), key)
    if contrat is not None:
        annees = DataValidation(
            type="whole",
            operator="between",
            formula1=str(contrat.annee_debut),
            formula2=str(contrat.annee_fin),
        )
        add(annees, "annee")


def _mode_emploi(workbook, contrat):
    rows = [(c.titre, c.obligatoire, c.aide, c.exemple) for c in COLONNES]
    sheet = add_table(
        workbook, MODE_EMPLOI, ["Colonne", "Obligatoire", "Contenu attendu", "Exemple"], rows
    )
    sheet.auto_filter.ref = None
    for letter, width in zip("ABCD", (26, 18, 90, 34), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    regles = [
        "Règles",
        "Une ligne par action et par financeur : une action financée par trois financeurs "
        "occupe trois lignes, qui répètent les colonnes de l'action (de « Année » à « État »).",
        "L'import vérifie tout le fichier avant d'écrire : au moindre problème, rien n'est "
        "enregistré et chaque erreur est signalée avec sa ligne et sa colonne.",
        "Importer deux fois le même fichier ne change rien : une action déjà présente (même "
        "année, même porteur, même intitulé) est mise à jour, ses quartiers et ses financements "
        "remplacés par ceux du fichier.",
        "Un montant versé enregistre la convention du financeur et un versement « solde ».",
    ]
    start = len(rows) + 3
    for offset, texte in enumerate(regles):
        cell = sheet.cell(row=start + offset, column=1, value=texte)
        if offset == 0:
            cell.font = Font(bold=True)
    if contrat is not None:
        ligne = start + len(regles) + 1
        sheet.cell(row=ligne, column=1, value=f"Piliers du {contrat.nom}").font = TOTAL_FONT
        for offset, pilier in enumerate(contrat.piliers.all(), start=1):
            sheet.cell(row=ligne + offset, column=1, value=pilier.nom)
        ligne += contrat.piliers.count() + 2
        sheet.cell(row=ligne, column=1, value="Quartiers (code à utiliser)").font = TOTAL_FONT
        for offset, quartier in enumerate(contrat.quartiers.all(), start=1):
            sheet.cell(row=ligne + offset, column=1, value=quartier.nom)
            sheet.cell(row=ligne + offset, column=2, value=quartier.code or quartier.nom)


def programmation_workbook(*, contrat=None, rows=()):
    """The import's workbook: the "Programmation" sheet (header, then `rows`), the "Mode
    d'emploi" sheet and the lists of the drop-down menus. Without rows: the template."""
    workbook = new_workbook()
    rows = list(rows)
    position = {c.key: i for i, c in enumerate(COLONNES)}
    formats = {position[key]: EURO for key in COLONNES_MONTANT}
    formats |= {position[key]: "@" for key in COLONNES_SIRET}
    sheet = add_table(workbook, PROGRAMMATION, [c.titre for c in COLONNES], rows, formats=formats)
    for key, width in [("intitule", 45), ("porteur_nom", 35), ("financeur_nom", 35)]:
        sheet.column_dimensions[get_column_letter(position[key] + 1)].width = width
    _mode_emploi(workbook, contrat)
    ranges = _listes(workbook, contrat)
    _validations(sheet, ranges, contrat)
    workbook[LISTES].sheet_state = "hidden"
    title = f" — {contrat.nom}" if contrat else ""
    workbook.properties.title = f"Programmation des années passées{title}"
    return workbook
