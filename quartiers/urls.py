from django.urls import path

from quartiers import views

app_name = "quartiers"

urlpatterns = [
    path("indicateurs/import/", views.import_indicateurs, name="import_indicateurs"),
    path(
        "indicateurs/import/modele.xlsx",
        views.import_indicateurs_modele,
        name="import_indicateurs_modele",
    ),
]
