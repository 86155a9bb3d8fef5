"""Demo data of the instance: Carcassonne Agglo's contrat de ville, from its final evaluation.

The quartiers (5 QPV, 2 QVA) are not loaded here: the quartiers module loads them.
"""
