"""Demo data of the instance: Carcassonne Agglo's contrat de ville, from its final evaluation.

Two contracts (2015–2022 and 2024–2030) with their partners, governance and quartiers (5 QPV,
2 QVA), the 2024 contract's calls for projects and a few actions at every stage.
"""
