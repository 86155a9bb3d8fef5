from django.urls import path

from programmation.views import actions as views
from programmation.views import comite, echanges, imports, opendata, pilotage, suivi, tableau

app_name = "programmation"

urlpatterns = [
    path("appels/", views.appel_list, name="appel_list"),
    path("appels/<int:pk>/", views.appel_detail, name="appel_detail"),
    path("appels/<int:pk>/demande/", views.action_create, name="action_create"),
    path("demandes/", views.action_mine, name="action_mine"),
    path("actions/", tableau.action_list, name="action_list"),
    path("actions/export.csv", tableau.action_export_csv, name="action_export_csv"),
    path("actions/export.xlsx", tableau.action_export_xlsx, name="action_export_xlsx"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/modifier/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/etape/", views.action_step, name="action_step"),
    path("actions/<int:pk>/avis/", comite.avis_form, name="avis_form"),
    path("actions/<int:pk>/messages/", echanges.message_post, name="message_post"),
    path("actions/<int:pk>/pieces/", echanges.piece_add, name="piece_add"),
    path("pieces/<int:pk>/", echanges.piece_download, name="piece_download"),
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
    path("import/", imports.import_programmation, name="import"),
    path("import/modele.xlsx", imports.import_modele, name="import_modele"),
    path("import/export.xlsx", imports.import_export, name="import_export"),
    path(
        "actions/<int:pk>/conventions/nouvelle/",
        suivi.convention_create,
        name="convention_create",
    ),
    path("conventions/<int:pk>/", suivi.convention_detail, name="convention_detail"),
    path("conventions/<int:pk>/versement/", suivi.versement_create, name="versement_create"),
    path("actions/<int:pk>/bilan/", suivi.bilan_form, name="bilan_form"),
    path("bilans/en-retard/", suivi.bilans_en_retard, name="bilans_en_retard"),
    path("versements/en-retard/", suivi.versements_en_retard, name="versements_en_retard"),
    path("opendata/", opendata.opendata, name="opendata"),
    path(
        "opendata/<int:annee>/publier/",
        opendata.opendata_publication,
        {"publier": True},
        name="opendata_publier",
    ),
    path(
        "opendata/<int:annee>/retirer/",
        opendata.opendata_publication,
        {"publier": False},
        name="opendata_retirer",
    ),
    path(
        "opendata/<int:pk>/subventions-<int:annee>.csv",
        opendata.subventions_csv,
        name="opendata_subventions_csv",
    ),
]
