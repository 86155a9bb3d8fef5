"""Forms of the programmation pages: the application (CERFA 12156) with its tables, and the
workflow steps. Labels and messages are what users read: French."""

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models, transaction
from django.db.models import Q

from cdv.enums import NiveauObjectif
from cdv.models import Objectif, Organisation, ThematiqueANCT
from programmation.enums import COMPTES, TRANSITIONS, CoteBudget
from programmation.models import Action, ActionQuartier, Financement, Indicateur, LigneBudget

EMPTY_LABEL = "— Choisir —"
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _number(mode="decimal"):
    """A text input that opens the numeric keyboard: accepts "1 234,50" as well as "1234.50"."""
    return forms.TextInput(attrs={"inputmode": mode, "autocomplete": "off"})


def _grouped(objects, group_of, label_of=str):
    """Choices as <optgroup>s, in the order the objects come."""
    groups = {}
    for obj in objects:
        groups.setdefault(group_of(obj), []).append((obj.pk, label_of(obj)))
    return [("", EMPTY_LABEL), *groups.items()]


def financeurs_of(appel):
    """The organisations a porteur may solicit on a call: the contract's EPCI, its
    signatories, and the funders that set aside an envelope for the call."""
    contrat = appel.contrat
    # Porteurs do not follow the contract (Organisation.for_user shows them their own
    # organisation only), yet they must name its funders: the call is the scope here.
    return Organisation.objects.filter(
        Q(pk=contrat.epci_id)
        | Q(pk__in=contrat.signataires.values("organisation"))
        | Q(pk__in=appel.enveloppes.values("financeur"))
    ).order_by("nom")


class ActionForm(forms.ModelForm):
    """The action itself: what, why, for whom, when, where, with whom; `version` is the one
    the user read (services.action_content_save refuses a save over an older one)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = Action
        fields = [
            "intitule",
            "description",
            "objectifs_action",
            "pilier",
            "objectif",
            "axes",
            "thematique",
            "public_vise",
            "beneficiaires_prevus",
            "part_femmes",
            "part_qpv",
            "tranches_age",
            "date_debut",
            "date_fin",
            "lieux",
            "moyens_humains",
            "est_reconduction",
            "reconduction_de",
        ]
        localized_fields = ["beneficiaires_prevus", "part_femmes", "part_qpv"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "objectifs_action": forms.Textarea(attrs={"rows": 4}),
            "public_vise": forms.Textarea(attrs={"rows": 3}),
            "lieux": forms.Textarea(attrs={"rows": 3}),
            "moyens_humains": forms.Textarea(attrs={"rows": 3}),
            "axes": forms.CheckboxSelectMultiple,
            "beneficiaires_prevus": _number("numeric"),
            "part_femmes": _number(),
            "part_qpv": _number(),
            "date_debut": DATE_WIDGET,
            "date_fin": DATE_WIDGET,
        }
        help_texts = {
            "objectif": "Les objectifs opérationnels du contrat, classés par pilier.",
            "thematique": "La nomenclature nationale de l'ANCT.",
            "public_vise": "Qui l'action touche-t-elle ? Exemple : collégiens, familles, "
            "demandeurs d'emploi.",
            "tranches_age": "Exemple : 11-15 ans, 16-25 ans.",
            "part_femmes": "En pourcentage, de 0 à 100.",
            "part_qpv": "En pourcentage, de 0 à 100.",
            "moyens_humains": "Salariés, bénévoles, intervenants : combien, pour quel temps.",
            "est_reconduction": "Cochez si l'action poursuit une action que votre organisation "
            "a menée une année précédente.",
            "reconduction_de": "L'action de votre organisation que celle-ci reconduit.",
        }

    def __init__(self, *args, user, reconductibles, **kwargs):
        super().__init__(*args, **kwargs)
        contrat = self.instance.appel.contrat
        fields = self.fields
        fields["pilier"].queryset = contrat.piliers.all()
        objectifs = (
            Objectif.objects.filter(  # the call's contract's frame, public to its porteurs
                pilier__contrat=contrat, niveau=NiveauObjectif.OPERATIONNEL
            )
            .select_related("pilier")
            .order_by("pilier__ordre", "pilier__nom", "ordre", "id")
        )
        fields["objectif"].queryset = objectifs
        fields["objectif"].choices = _grouped(objectifs, lambda o: o.pilier.nom)
        fields["axes"].queryset = contrat.axes.all()
        themes = (
            ThematiqueANCT.objects.for_user(user)
            .filter(parent__isnull=False)
            .select_related("parent")
            .order_by("code")
        )
        fields["thematique"].queryset = themes
        fields["thematique"].choices = _grouped(themes, lambda t: str(t.parent))
        fields["reconduction_de"].queryset = reconductibles
        fields["reconduction_de"].label_from_instance = lambda a: f"{a.intitule} ({a.appel.annee})"
        for name in ("pilier", "objectif", "thematique", "reconduction_de"):
            fields[name].empty_label = EMPTY_LABEL
        fields["version"].initial = self.instance.version

    def save(self, commit=True):
        """Write the form's fields and the version, never the workflow's (état, dates of
        deposit, instructor…), which a step taken meanwhile may have changed."""
        action = super().save(commit=False)
        if commit:
            if action.pk:
                champs = [name for name in self._meta.fields if name != "axes"]
                action.save(update_fields=[*champs, "version", "modifiee_le", "modifiee_par"])
            else:
                action.save()
            self.save_m2m()
        return action

    def clean(self):
        cleaned = super().clean()
        objectif = cleaned.get("objectif")
        if objectif is not None and cleaned.get("pilier") is None:
            # The objective names its pillar: no need to ask twice.
            cleaned["pilier"] = objectif.pilier
        if cleaned.get("reconduction_de") is not None and not cleaned.get("est_reconduction"):
            self.add_error(
                "reconduction_de",
                "Cochez « Reconduction » ou retirez l'action reconduite.",
            )
        return cleaned


class QuartierForm(forms.ModelForm):
    class Meta:
        model = ActionQuartier
        fields = ["quartier", "part"]
        localized_fields = ["part"]
        widgets = {"part": _number()}

    def __init__(self, *args, quartiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quartier"].queryset = quartiers
        self.fields["quartier"].empty_label = EMPTY_LABEL


class IndicateurForm(forms.ModelForm):
    class Meta:
        model = Indicateur
        fields = ["libelle", "cible"]
        localized_fields = ["cible"]
        widgets = {"cible": _number()}


class FinancementForm(forms.ModelForm):
    class Meta:
        model = Financement
        fields = ["financeur", "nature", "montant_demande"]
        localized_fields = ["montant_demande"]
        widgets = {"montant_demande": _number()}

    def __init__(self, *args, financeurs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financeur"].queryset = financeurs
        self.fields["financeur"].empty_label = EMPTY_LABEL


class LigneBudgetForm(forms.ModelForm):
    class Meta:
        model = LigneBudget
        fields = ["compte", "libelle", "financeur", "montant_previsionnel"]
        localized_fields = ["montant_previsionnel"]
        widgets = {"montant_previsionnel": _number()}

    def __init__(self, *args, financeurs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compte"].choices = [
            ("", EMPTY_LABEL),
            *(
                (cote.label, [(code, label) for code, (c, label) in COMPTES.items() if c == cote])
                for cote in CoteBudget
            ),
        ]
        self.fields["financeur"].queryset = financeurs
        self.fields["financeur"].empty_label = "—"
        self.fields["financeur"].help_text = ""


def _formset(model, form, extra):
    return forms.inlineformset_factory(
        Action, model, form=form, extra=extra, can_delete=True, max_num=100, validate_max=True
    )


QuartierFormSet = _formset(ActionQuartier, QuartierForm, 2)
IndicateurFormSet = _formset(Indicateur, IndicateurForm, 2)
FinancementFormSet = _formset(Financement, FinancementForm, 2)
LigneBudgetFormSet = _formset(LigneBudget, LigneBudgetForm, 4)


# The key of the attachments' errors in action_submission_errors.
PIECES = "pieces"


class Demande:
    """The whole application form: the action and its four tables, validated and saved
    together. Only field-level validity is checked here; the submission rules are the
    service's (programmation.services.action_submission_errors)."""

    # Keys of the submission errors that concern a whole table rather than one field.
    TABLES = {
        "quartiers": ("quartiers", "Quartiers concernés"),
        "indicateurs": ("indicateurs", "Indicateurs d'évaluation"),
        "financements": ("financements", "Financements demandés"),
        "budget": ("budget", "Budget prévisionnel"),
    }

    def __init__(self, data=None, *, action, user, reconductibles, quartiers):
        financeurs = financeurs_of(action.appel)
        self.action = action
        # The attachments are uploaded on their own page; their deposit errors show here.
        self.pieces_errors = []
        self.form = ActionForm(
            data, instance=action, user=user, reconductibles=reconductibles, prefix="action"
        )
        self.formsets = {
            "quartiers": QuartierFormSet(
                data, instance=action, prefix="quartiers", form_kwargs={"quartiers": quartiers}
            ),
            "indicateurs": IndicateurFormSet(data, instance=action, prefix="indicateurs"),
            "financements": FinancementFormSet(
                data,
                instance=action,
                prefix="financements",
                form_kwargs={"financeurs": financeurs},
            ),
            "budget": LigneBudgetFormSet(
                data, instance=action, prefix="budget", form_kwargs={"financeurs": financeurs}
            ),
        }

    def __getattr__(self, name):
        # Templates reach the tables as demande.quartiers, demande.budget…
        try:
            return self.__dict__["formsets"][name]
        except KeyError:
            raise AttributeError(name) from None

    def is_valid(self):
        results = [self.form.is_valid()] + [fs.is_valid() for fs in self.formsets.values()]
        return all(results)

    @transaction.atomic
    def save(self):
        action = self.form.save()
        for formset in self.formsets.values():
            formset.instance = action
            formset.save()
        return action

    def differences(self, actuel):
        """Where the user's input (this bound, validated form) differs from `actuel`, the
        action as it is now saved: [(label, typed, saved)], in the page's order. Fields
        the user typed wrongly are left out: their error already shows."""
        items = []
        form = self.form
        for name in form._meta.fields:
            if name not in form.cleaned_data:
                continue
            saisi = form.cleaned_data[name]
            enregistre = getattr(actuel, name)
            if name == "axes":
                enregistre = list(enregistre.all())
            texte_saisi, texte_enregistre = _texte(saisi), _texte(enregistre)
            if texte_saisi != texte_enregistre:
                items.append((form.fields[name].label, texte_saisi, texte_enregistre))
        for key, formset in self.formsets.items():
            champs = {
                name: field
                for name, field in formset.empty_form.fields.items()
                if name not in ("id", "DELETE", "action")
            }
            saisies = [
                _ligne(row.cleaned_data.get, champs)
                for row in formset.forms
                if row.cleaned_data and not row.cleaned_data.get("DELETE")
            ]
            # unscoped: the rows of `actuel`, reached through the reader's scope by the view.
            enregistrees = [
                _ligne(lambda name, obj=obj: getattr(obj, name), champs)
                for obj in formset.model.objects.filter(action=actuel)
            ]
            if sorted(saisies) != sorted(enregistrees):
                titre = self.TABLES[key][1]
                items.append((titre, _lignes(saisies), _lignes(enregistrees)))
        return items

    def show_errors(self, errors):
        """Put the submission errors ({key: [messages]}) next to what they concern: a field
        of the action, a table, or, failing both, the top of the form. None is dropped."""
        form = self.form
        form_errors = form.errors  # on an unbound form: an empty ErrorDict to fill
        for key, messages in errors.items():
            if key == PIECES:
                self.pieces_errors.extend(messages)
                continue
            if key in self.formsets:
                self.formsets[key].non_form_errors().extend(messages)
                continue
            name = key if key in form.fields else NON_FIELD_ERRORS
            kind = "nonfield" if name == NON_FIELD_ERRORS else None
            form_errors.setdefault(
                name, form.error_class(error_class=kind, renderer=form.renderer)
            ).extend(messages)

    def summary(self):
        """Every error of the page as (anchor, what, message), in the page's order."""
        items = []
        form = self.form
        for message in form.non_field_errors():
            items.append(("#action-form", "Demande", message))
        for field in form:
            for message in field.errors:
                items.append((f"#{field.auto_id}", field.label, message))
        for key, formset in self.formsets.items():
            section, titre = self.TABLES[key]
            for message in formset.non_form_errors():
                items.append((f"#section-{section}", titre, message))
            for number, row in enumerate(formset.forms, 1):
                for message in row.non_field_errors():
                    items.append((f"#section-{section}", f"{titre}, ligne {number}", message))
                for field in row:
                    for message in field.errors:
                        items.append(
                            (
                                f"#{field.auto_id}",
                                f"{titre}, ligne {number} : {field.label}",
                                message,
                            )
                        )
        for message in self.pieces_errors:
            items.append(("#pieces", "Pièces jointes", message))
        return items


VIDE = "(vide)"


def _texte(value):
    """A value as the differences' list shows it: French numbers and dates, names."""
    if value is None or value == "":
        return VIDE
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        text = f"{value:f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text.replace(".", ",")
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, list | tuple | models.QuerySet):
        return ", ".join(sorted(str(item) for item in value)) or VIDE
    return str(value).strip() or VIDE


def _ligne(get, champs):
    """One row of a table as text; a code shows as its label (compte 64 → its name)."""
    textes = []
    for name, field in champs.items():
        value = get(name)
        if not isinstance(field, forms.ModelChoiceField) and hasattr(field, "choices"):
            value = _libelles(field.choices).get(value, value)
        textes.append(_texte(value))
    return " ; ".join(textes)


def _libelles(choices):
    """{code: label} of choices, <optgroup>s flattened."""
    flat = {}
    for code, label in choices:
        if isinstance(label, list | tuple):
            flat.update(_libelles(label))
        else:
            flat[code] = label
    return flat


def _lignes(rows):
    return " / ".join(rows) or VIDE


def error_dict(exc):
    """A ValidationError as {key: [French messages]}, whatever its shape."""
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {NON_FIELD_ERRORS: exc.messages}


class TransitionForm(forms.Form):
    code = forms.ChoiceField(choices=[(code, t.label) for code, t in TRANSITIONS.items()])
    # Which steps need a comment is the service's rule (services.COMMENT_REQUIRED).
    commentaire = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea)
