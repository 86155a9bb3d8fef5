"""Routes of the GUP: the walk's capture on a phone (included by gup/urls.py)."""

from django.urls import path

from gup import views_saisie

urlpatterns = [
    path("diagnostics/<int:pk>/saisie/", views_saisie.saisie, name="saisie"),
    path(
        "diagnostics/<int:pk>/saisie/envoyer/",
        views_saisie.saisie_envoyer,
        name="saisie_envoyer",
    ),
]
