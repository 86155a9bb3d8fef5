"""Routes of the PRE: eps (included by pre/urls.py)."""

from django.urls import path

from pre import views_eps

urlpatterns = [
    path("eps/", views_eps.equipe_list, name="equipe_list"),
    path("eps/equipes/nouvelle/", views_eps.equipe_create, name="equipe_create"),
    path("eps/equipes/<int:pk>/membres/", views_eps.equipe_membres, name="equipe_membres"),
    path("eps/commissions/", views_eps.commission_list, name="commission_list"),
    path("eps/commissions/nouvelle/", views_eps.commission_create, name="commission_create"),
    path("eps/commissions/<int:pk>/", views_eps.commission_detail, name="commission_detail"),
    path(
        "eps/commissions/<int:pk>/ordre-du-jour/",
        views_eps.commission_situation_add,
        name="commission_situation_add",
    ),
    path(
        "eps/commissions/<int:pk>/presences/",
        views_eps.commission_presents,
        name="commission_presents",
    ),
    path(
        "eps/commissions/<int:pk>/compte-rendu/",
        views_eps.commission_compte_rendu,
        name="commission_compte_rendu",
    ),
    path(
        "eps/situations/<int:pk>/decision/",
        views_eps.situation_decision,
        name="situation_decision",
    ),
]
