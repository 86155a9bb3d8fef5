# Placeholder: replaced by the web UI work.
from django.contrib.auth import views as auth_views
from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("")


home = contrat_detail = contrat_choose = reunion_list = reunion_detail = _todo
reunion_compte_rendu = organisation_detail = organisation_invite = _todo
LoginView = auth_views.LoginView
