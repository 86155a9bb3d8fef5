from django.urls import path

from programmation.views import actions as views
from programmation.views import comite, pilotage

app_name = "programmation"

urlpatterns = [
    path("appels/", views.appel_list, name="appel_list"),
    path("appels/<int:pk>/", views.appel_detail, name="appel_detail"),
    path("appels/<int:pk>/demande/", views.action_create, name="action_create"),
    path("demandes/", views.action_mine, name="action_mine"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/modifier/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/etape/", views.action_step, name="action_step"),
    path("actions/<int:pk>/avis/", comite.avis_form, name="avis_form"),
    path("avis/", comite.avis_a_donner, name="avis_a_donner"),
    path("instruction/", comite.instruction_groupee, name="instruction_groupee"),
    path("comites/", comite.comite_list, name="comite_list"),
    path("appels/<int:pk>/comite/", comite.comite, name="comite"),
    path("appels/<int:pk>/comite/dossier/", comite.comite_dossier, name="comite_dossier"),
    path(
        "appels/<int:pk>/comite/dossier/excel/",
        comite.comite_dossier_excel,
        name="comite_dossier_excel",
    ),
    path("bilan/", pilotage.bilan, name="bilan"),
    path("bilan/excel/", pilotage.bilan_excel, name="bilan_excel"),
]
