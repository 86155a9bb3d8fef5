from django.urls import path

from quartiers import views, views_ecarts, views_pilotage, views_portrait

app_name = "quartiers"

urlpatterns = [
    path("indicateurs/import/", views.import_indicateurs, name="import_indicateurs"),
    path(
        "indicateurs/import/modele.xlsx",
        views.import_indicateurs_modele,
        name="import_indicateurs_modele",
    ),
    path("ecarts/", views_ecarts.ecarts_list, name="ecarts"),
    path("ecarts.xlsx", views_ecarts.ecarts_excel, name="ecarts_excel"),
    path("", views_portrait.quartier_list, name="quartier_list"),
    path("portraits.xlsx", views_portrait.portraits_excel, name="portraits_excel"),
    path("<int:pk>/", views_portrait.portrait, name="portrait"),
    path(
        "<int:pk>/lignes-directrices/<int:annee>/",
        views_portrait.ligne_directrice_edit,
        name="ligne_directrice_edit",
    ),
]

urlpatterns += [
    path("pilotage/", views_pilotage.tableau_de_bord, name="pilotage"),
    path("pilotage.xlsx", views_pilotage.tableau_de_bord_excel, name="pilotage_excel"),
    path(
        "pilotage/indicateurs/ajouter/",
        views_pilotage.indicateur_create,
        name="pilotage_indicateur_create",
    ),
    path(
        "pilotage/indicateurs/<int:pk>/",
        views_pilotage.indicateur_edit,
        name="pilotage_indicateur_edit",
    ),
    path(
        "pilotage/indicateurs/<int:pk>/supprimer/",
        views_pilotage.indicateur_delete,
        name="pilotage_indicateur_delete",
    ),
    path(
        "pilotage/indicateurs/<int:pk>/cibles/", views_pilotage.cibles_edit, name="pilotage_cibles"
    ),
]
