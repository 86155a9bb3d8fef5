"""Routes of the PRE: enfants (included by pre/urls.py)."""

from django.urls import path

from pre import views_enfants as views

urlpatterns = [
    path("enfants/", views.enfant_list, name="enfant_list"),
    path("enfants/nouveau/", views.enfant_create, name="enfant_create"),
    path("enfants/<int:pk>/", views.enfant_detail, name="enfant_detail"),
    path("enfants/<int:pk>/modifier/", views.enfant_edit, name="enfant_edit"),
    path(
        "enfants/<int:pk>/responsables/ajouter/",
        views.responsable_add,
        name="responsable_add",
    ),
    path("responsables/<int:pk>/modifier/", views.responsable_edit, name="responsable_edit"),
    path(
        "enfants/<int:pk>/consentements/ajouter/",
        views.consentement_add,
        name="consentement_add",
    ),
    path(
        "consentements/<int:pk>/document/",
        views.consentement_document,
        name="consentement_document",
    ),
    path("enfants/<int:pk>/reperages/ajouter/", views.reperage_add, name="reperage_add"),
    path("enfants/<int:pk>/export/", views.enfant_export, name="enfant_export"),
    path("enfants/<int:pk>/effacer/", views.enfant_effacer, name="enfant_effacer"),
    path("journal/", views.journal, name="journal"),
]
