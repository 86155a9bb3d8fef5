"""Routes of the GUP: diagnostics en marchant, signalements, their photos and the
categories (included by gup/urls.py)."""

from django.urls import path

from gup import views_diagnostics, views_signalements

urlpatterns = [
    path("diagnostics/", views_diagnostics.diagnostic_list, name="diagnostic_list"),
    path("diagnostics/nouveau/", views_diagnostics.diagnostic_create, name="diagnostic_create"),
    path("diagnostics/<int:pk>/", views_diagnostics.diagnostic_detail, name="diagnostic_detail"),
    path(
        "diagnostics/<int:pk>/modifier/",
        views_diagnostics.diagnostic_edit,
        name="diagnostic_edit",
    ),
    path("signalements/", views_signalements.signalement_list, name="signalement_list"),
    path(
        "signalements/nouveau/",
        views_signalements.signalement_create,
        name="signalement_create",
    ),
    path(
        "signalements/<int:pk>/",
        views_signalements.signalement_detail,
        name="signalement_detail",
    ),
    path(
        "signalements/<int:pk>/modifier/",
        views_signalements.signalement_edit,
        name="signalement_edit",
    ),
    path(
        "signalements/<int:pk>/etape/",
        views_signalements.signalement_transition,
        name="signalement_transition",
    ),
    path(
        "signalements/<int:pk>/commentaire/",
        views_signalements.signalement_comment,
        name="signalement_comment",
    ),
    path("photos/<int:pk>/", views_signalements.photo, name="photo"),
    path("categories/", views_signalements.categorie_list, name="categorie_list"),
    path("categories/nouvelle/", views_signalements.categorie_create, name="categorie_create"),
    path(
        "categories/<int:pk>/modifier/",
        views_signalements.categorie_edit,
        name="categorie_edit",
    ),
    path(
        "categories/initialiser/",
        views_signalements.categories_initialiser,
        name="categories_initialiser",
    ),
]
