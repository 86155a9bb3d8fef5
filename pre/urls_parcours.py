"""Routes of the PRE: parcours, waiting list, price grid and budget (included by pre/urls.py)."""

from django.urls import path

from pre import views_parcours as views

urlpatterns = [
    path("parcours/", views.parcours_list, name="parcours_list"),
    path("parcours/<int:pk>/", views.parcours_detail, name="parcours_detail"),
    path("parcours/<int:pk>/modifier/", views.parcours_edit, name="parcours_edit"),
    path("parcours/<int:pk>/demarrer/", views.parcours_demarrer, name="parcours_demarrer"),
    path("parcours/<int:pk>/actions/", views.parcours_action_create, name="parcours_action_create"),
    path(
        "parcours/actions/<int:pk>/supprimer/",
        views.parcours_action_delete,
        name="parcours_action_delete",
    ),
    path("parcours/<int:pk>/revues/", views.parcours_revue_create, name="parcours_revue_create"),
    path("parcours/<int:pk>/sortie/", views.parcours_sortie, name="parcours_sortie"),
    path("grille/", views.grille, name="grille"),
    path("budget/", views.budget, name="budget"),
    path("budget/excel/", views.budget_excel, name="budget_excel"),
    path("budget/<int:pk>/supprimer/", views.budget_delete, name="budget_delete"),
]
