"""Back office of the quartiers: the QPV and QVA of each contract, scoped by for_user()."""

from django.contrib import admin

from cdv.admin import RelatedOnly, ScopedAdmin
from quartiers.models import Quartier


@admin.register(Quartier)
class QuartierAdmin(ScopedAdmin):
    list_display = ["nom", "code", "kind", "contrat", "communes", "population"]
    list_filter = ["kind", ("contrat", RelatedOnly)]
    list_select_related = ["contrat"]
    search_fields = ["nom", "code", "communes"]
    autocomplete_fields = ["contrat"]
