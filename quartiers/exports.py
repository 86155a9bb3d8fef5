"""The gaps table as an Excel workbook: the same rows, sort and figures as the page."""

from cdv.excel import add_table, new_workbook

# Numbers keep their decimals (a rate of 12.7 %, stored in points); gaps carry their sign.
NOMBRE = "#,##0.0"
ECART = "+#,##0.0;-#,##0.0;0"
ENTETES = [
    "Thème",
    "Indicateur",
    "Unité",
    "Quartier",
    "Code du quartier",
    "Millésime",
    "Valeur du quartier",
    "Valeur de référence",
    "Écart (points pour un taux)",
    "Premier millésime",
    "Évolution de l'écart depuis le premier millésime",
]


def _cellule(valeur, secret):
    """A number, "s" for a secret, empty when missing: never a 0 in place of a secret."""
    if secret:
        return "s"
    return valeur


def ecarts_workbook(tableau, lignes, *, titre):
    """One sheet "Écarts" of `lignes` (sorted rows of `tableau`) and one "À lire" sheet."""
    workbook = new_workbook()
    rows = [
        [
            ligne.indicateur.get_theme_display(),
            ligne.indicateur.libelle,
            ligne.indicateur.get_unite_display(),
            ligne.quartier.nom,
            ligne.quartier.code,
            ligne.millesime,
            _cellule(ligne.valeur, ligne.secret),
            _cellule(ligne.reference, ligne.reference_secret),
            ligne.ecart,
            ligne.premier_millesime,
            ligne.tendance_libelle,
        ]
        for ligne in lignes
    ]
    add_table(
        workbook,
        "Écarts",
        ENTETES,
        rows,
        formats={5: "0", 6: NOMBRE, 7: NOMBRE, 8: ECART, 9: "0"},
    )
    notes = add_table(workbook, "À lire", ["Note"], [])
    for texte in [
        titre,
        f"Référence : {tableau.reference_libelle}, valeur du même millésime que le quartier.",
        "Écart = valeur du quartier − valeur de référence, en points pour un pourcentage.",
        "« s » : secret statistique (la source n'a pas diffusé la valeur) ; case vide : "
        "aucune valeur. Un écart manquant est non calculable, jamais nul.",
        "Évolution : l'écart se creuse quand le retard du quartier grandit (selon le sens "
        "favorable de l'indicateur), se réduit quand il diminue ; stable à un demi-point près.",
    ]:
        notes.append([texte])
    notes.column_dimensions["A"].width = 110
    return workbook
