"""Routes of the PRE: statistics and the register of processing activities (included by
pre/urls.py)."""

from django.urls import path

from pre import views_stats

urlpatterns = [
    path("statistiques/", views_stats.stats, name="stats"),
    path("statistiques/excel/", views_stats.stats_excel, name="stats_excel"),
    path("registre/", views_stats.registre_page, name="registre"),
    path("registre/registre-pre.md", views_stats.registre_markdown, name="registre_markdown"),
    path("registre/registre-pre.txt", views_stats.registre_texte, name="registre_texte"),
]
