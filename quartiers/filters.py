"""django-filter FilterSets of the quartiers' API (docs/api.md)."""

import django_filters as filters

from cdv.filters import scoped
from cdv.models import Contrat
from quartiers.enums import QuartierKind, SourceIndicateur, TerritoireKind, Theme
from quartiers.models import Indicateur, Quartier, Territoire, ValeurIndicateur


class TerritoireFilter(filters.FilterSet):
    kind = filters.MultipleChoiceFilter(choices=TerritoireKind.choices, label="type")
    code = filters.CharFilter(label="code officiel (exact)")
    parent = filters.ModelChoiceFilter(queryset=scoped(Territoire), label="territoire englobant")

    class Meta:
        model = Territoire
        fields = ["kind", "code", "parent"]


class QuartierFilter(filters.FilterSet):
    contrat = filters.ModelChoiceFilter(queryset=scoped(Contrat), label="contrat")
    kind = filters.ChoiceFilter(choices=QuartierKind.choices, label="type (QPV ou QVA)")

    class Meta:
        model = Quartier
        fields = ["contrat", "kind"]


class IndicateurFilter(filters.FilterSet):
    theme = filters.MultipleChoiceFilter(choices=Theme.choices, label="thème")
    source = filters.MultipleChoiceFilter(choices=SourceIndicateur.choices, label="source")

    class Meta:
        model = Indicateur
        fields = ["theme", "source"]


class ValeurFilter(filters.FilterSet):
    territoire = filters.ModelChoiceFilter(queryset=scoped(Territoire), label="territoire")
    territoire_kind = filters.MultipleChoiceFilter(
        field_name="territoire__kind", choices=TerritoireKind.choices, label="type de territoire"
    )
    territoire_code = filters.CharFilter(
        field_name="territoire__code", label="code officiel du territoire"
    )
    indicateur = filters.CharFilter(field_name="indicateur__code", label="code de l'indicateur")
    millesime_min = filters.NumberFilter(
        field_name="millesime", lookup_expr="gte", label="millésime minimal"
    )
    millesime_max = filters.NumberFilter(
        field_name="millesime", lookup_expr="lte", label="millésime maximal"
    )

    class Meta:
        model = ValeurIndicateur
        fields = [
            "territoire",
            "territoire_kind",
            "territoire_code",
            "indicateur",
            "millesime_min",
            "millesime_max",
        ]
