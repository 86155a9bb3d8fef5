"""Routes of the GUP: the TFPB abatement (included by gup/urls.py)."""

from django.urls import path

from gup import views_tfpb as views

urlpatterns = [
    path("tfpb/", views.tfpb_list, name="tfpb_list"),
    path("tfpb/nouvelle/", views.tfpb_convention_create, name="tfpb_convention_create"),
    path("tfpb/bilan/", views.tfpb_bilan, name="tfpb_bilan"),
    path("tfpb/bilan/excel/", views.tfpb_bilan_excel, name="tfpb_bilan_excel"),
    path("tfpb/<int:pk>/", views.tfpb_convention, name="tfpb_convention"),
    path("tfpb/<int:pk>/modifier/", views.tfpb_convention_edit, name="tfpb_convention_edit"),
    path("tfpb/<int:pk>/logements/", views.tfpb_patrimoine, name="tfpb_patrimoine"),
    path("tfpb/<int:pk>/abattements/", views.tfpb_abattements, name="tfpb_abattements"),
    path("tfpb/<int:pk>/actions/nouvelle/", views.tfpb_action_create, name="tfpb_action_create"),
    path("tfpb/actions/<int:pk>/modifier/", views.tfpb_action_edit, name="tfpb_action_edit"),
    path("tfpb/actions/<int:pk>/supprimer/", views.tfpb_action_delete, name="tfpb_action_delete"),
]
