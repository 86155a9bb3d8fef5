"""Routes of the GUP: suivi (included by gup/urls.py): the documents de suivi and the
statistics, on screen and in Excel."""

from django.urls import path

from gup import views_suivi

urlpatterns = [
    path("suivi/", views_suivi.suivi_index, name="suivi"),
    path("suivi/quartiers/<int:pk>/", views_suivi.suivi_quartier, name="suivi_quartier"),
    path(
        "suivi/quartiers/<int:pk>/excel/",
        views_suivi.suivi_quartier_excel,
        name="suivi_quartier_excel",
    ),
    path("suivi/diagnostics/<int:pk>/", views_suivi.suivi_diagnostic, name="suivi_diagnostic"),
    path(
        "suivi/diagnostics/<int:pk>/excel/",
        views_suivi.suivi_diagnostic_excel,
        name="suivi_diagnostic_excel",
    ),
    path("statistiques/", views_suivi.stats, name="stats"),
    path("statistiques/excel/", views_suivi.stats_excel, name="stats_excel"),
]
