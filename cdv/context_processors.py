from cdv.navigation import menu_groupes
from cdv.selectors import contrat_courant


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"menu": menu_groupes(user), "contrat_courant": contrat_courant(request)}
