from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cdv import api, health, views, views_exports, views_pilotage, views_token
from cdv.forms import PasswordResetForm

urlpatterns = [
    path("", views.home, name="home"),
    path("contrat/", views.contrat_detail, name="contrat_detail"),
    path("contrat/choisir/", views.contrat_choose, name="contrat_choose"),
    path("tableau-de-bord/", views_pilotage.tableau_de_bord_page, name="tableau_de_bord"),
    path("gouvernance/", views.reunion_list, name="reunion_list"),
    path("gouvernance/reunions/<int:pk>/", views.reunion_detail, name="reunion_detail"),
    path(
        "gouvernance/reunions/<int:pk>/compte-rendu/",
        views.reunion_compte_rendu,
        name="reunion_compte_rendu",
    ),
    path("organisation/", views.organisation_detail, name="organisation_detail"),
    path("organisation/inviter/", views.organisation_invite, name="organisation_invite"),
    path(
        "organisation/membres/<int:pk>/relancer/",
        views.organisation_reinvite,
        name="organisation_reinvite",
    ),
    path("compte/jeton-api/", views_token.api_token, name="api_token"),
    path("compte/jeton-api/revoquer/", views_token.api_token_revoke, name="api_token_revoke"),
    path("programmation/", include("programmation.urls")),
    path("quartiers/", include("quartiers.urls")),
    path("gup/", include("gup.urls")),
    path("pre/", include("pre.urls")),
    path("citeslab/", include("citeslab.urls")),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "mot-de-passe/oubli/",
        auth_views.PasswordResetView.as_view(
            form_class=PasswordResetForm,
            email_template_name="registration/password_reset_email.txt",
            extra_email_context={"site_url": settings.SITE_URL.rstrip("/")},
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("healthz", health.healthz, name="healthz"),
    path("api/v1/programmation/", include("programmation.api")),
    path("api/v1/quartiers/", include("quartiers.api")),
    path("api/v1/gup/", include("gup.api")),
    path("api/v1/pre/", include("pre.api")),
    path("api/v1/citeslab/", include("citeslab.api")),
    path("open311/v2/", include("gup.urls_open311")),
    path("api/v1/", include(api.urlpatterns)),
    path("admin/", admin.site.urls),
    path("exports/", views_exports.export_list, name="export_list"),
    path("exports/demander/", views_exports.export_request, name="export_request"),
    path("exports/evaluation/", views_exports.export_evaluation, name="export_evaluation"),
    path("exports/<int:pk>/", views_exports.export_detail, name="export_detail"),
    path("exports/<int:pk>/etat.json", views_exports.export_status, name="export_status"),
    path("exports/<int:pk>/telecharger/", views_exports.export_download, name="export_download"),
]
