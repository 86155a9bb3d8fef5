"""The quartiers of Carcassonne Agglo's two contracts (../shared/reference/).

2015 geography: the official codes of qpv-carcassonne.csv and the populations of the final
evaluation (carcassonne-figures.md: municipal population 2018, 10 263 in the five QPV).
2024 geography: the same five names (décret 2023-1314) with the populations quoted for the
2024 perimeters (qpv-carcassonne.csv, 10 436 in all).
"""

CARCASSONNE = "Carcassonne"

# (nom, code 2015, population)
QPV_2015 = [
    ("Bastide – Pont-Vieux", "QP011004", 3873),
    ("La Conte – Ozanam", "QP011002", 2525),
    ("Le Viguier – Saint-Jacques", "QP011003", 1757),
    ("Fleming – La Reille", "QP011005", 1159),
    # The report gives no figure: 10 263 minus the four others.
    ("Grazailles", "QP011006", 949),
]

# (nom, commune). The report places L'Espérance in Berriac and names no commune for
# L'Aiguille, a quartier of Carcassonne. No code (a QVA has none) nor population is known.
QVA_2015 = [
    ("L'Aiguille", CARCASSONNE),
    ("L'Espérance", "Berriac"),
]

# (nom, population). The 2024 codes (QNxxxxxx) are not in the reference material: the code
# stays blank until the official list is imported, rather than an invented one.
QPV_2024 = [
    ("Bastide – Pont-Vieux", 3873),
    ("La Conte – Ozanam", 2709),
    ("Le Viguier – Saint-Jacques", 1734),
    ("Fleming – La Reille", 1179),
    ("Grazailles", 941),
]
