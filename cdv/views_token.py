"""The page « Mon jeton d'API »: a signed-in person gets, regenerates or revokes the token
a partner system sends as `Authorization: Token <key>` to act with that person's scope."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cdv import services_token


@never_cache
@require_http_methods(["GET", "POST"])
def api_token(request):
    """GET: whether a token exists and since when. POST: a new token, shown this once."""
    user = request.user
    if request.method == "POST":
        token = services_token.token_regenerate(user=user)
        return render(request, "cdv/api_token.html", {"token": token, "nouvelle_cle": token.key})
    return render(request, "cdv/api_token.html", {"token": services_token.token_of(user)})


@require_POST
def api_token_revoke(request):
    if services_token.token_revoke(user=request.user):
        messages.success(request, "Votre jeton d'API est révoqué : il ne donne plus accès à l'API.")
    return redirect("api_token")
