"""Display helpers: French amounts and dates, and the contract switcher of the header."""

from django import template

from cdv import formats
from cdv.models import Contrat

register = template.Library()

register.filter("montant", formats.montant)
register.filter("jour", formats.jour)
register.filter("points", formats.pourcentage)


@register.inclusion_tag("cdv/_contrat_switcher.html", takes_context=True)
def contrat_switcher(context):
    """The contracts the user follows, to switch the one they work on."""
    request = context["request"]
    return {
        "contrats": list(Contrat.objects.for_user(request.user)),
        "contrat_courant": context.get("contrat_courant"),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
