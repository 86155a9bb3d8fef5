"""Routes of the GUP: chantiers (included by gup/urls.py)."""

from django.urls import path

from gup import views_chantiers

urlpatterns = [
    path("chantiers/", views_chantiers.chantier_list, name="chantier_list"),
    path("chantiers/nouveau/", views_chantiers.chantier_create, name="chantier_create"),
    path("chantiers/bilan/", views_chantiers.chantier_bilan, name="chantier_bilan"),
    path(
        "chantiers/bilan/excel/",
        views_chantiers.chantier_bilan_excel,
        name="chantier_bilan_excel",
    ),
    path("chantiers/<int:pk>/", views_chantiers.chantier_detail, name="chantier_detail"),
    path("chantiers/<int:pk>/modifier/", views_chantiers.chantier_update, name="chantier_update"),
]
