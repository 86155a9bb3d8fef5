"""Routes of the GUP: residents' reports without an account and their moderation (included
by gup/urls.py)."""

from django.urls import path

from gup import views_moderation, views_public

urlpatterns = [
    path("signaler/", views_public.signaler, name="public_signaler"),
    path("suivi/<str:token>/", views_public.suivi, name="public_suivi"),
    path("moderation/", views_moderation.moderation, name="moderation"),
    path(
        "moderation/<int:pk>/decision/",
        views_moderation.moderation_decider,
        name="moderation_decider",
    ),
    path("moderation/photos/<int:pk>/", views_moderation.moderation_photo, name="moderation_photo"),
]
