"""The base of every form: a submission that fails validation marks the request, so that the
page showing the errors answers 422 (see web._invalid_input_status), not 200. And the theme
and country choices and fields the forms share."""
from flask import has_request_context, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from .accounts.models import Theme
from .countries import countries, regions
from .extensions import db
from .i18n import content_language, content_language_menu, theme_name
from .widgets import Checklist

INVALID_INPUT = "reachback.invalid_input"

# The visibility choices the query, library and response forms word alike.
COMMUNITY_CHOICE = SelectChoice("community", _l("Community: every signed-in member"))
PUBLIC_CHOICE = SelectChoice("public", _l("Public: anyone, without an account (the open library)"))


def mark_invalid() -> None:
    """This request carried input the app refused: its re-rendered page answers 422."""
    if has_request_context():  # on the request itself: `g` may outlive it (an app context)
        request.environ[INVALID_INPUT] = True


class Form(FlaskForm):
    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators=extra_validators)
        if not ok and self._given():
            mark_invalid()
        return ok

    def _given(self) -> bool:
        """Whether the person gave this form input: a filter form read from an empty query
        string (a list page's first view) is not refused input."""
        if not has_request_context() or request.method != "GET":
            return True
        return any(request.args.get(name) for name in self._fields)


def theme_choices(first: str | None = None, whole: str | None = None) -> list[SelectChoice]:
    """Every theme, named in the current language, grouped under its parent; the parent
    itself comes first in its group (choosing it means the whole area: "<name> (<whole>)",
    "all" unless told). `first` adds an empty "any" choice on top."""
    whole = _("all") if whole is None else whole
    # Rows of the four columns, not Theme objects: a filter form builds this on every view.
    themes = db.session.execute(select(Theme.id, Theme.slug, Theme.name, Theme.parent_id)
                                .order_by(Theme.code)).all()
    names = {t.id: theme_name(t.name) for t in themes if t.parent_id is None}
    choices = [SelectChoice("", first)] if first else []
    for t in themes:
        if t.parent_id is None:
            name = names[t.id]
            choices.append(SelectChoice(t.slug, _("%(theme)s (%(whole)s)", theme=name,
                                                  whole=whole), optgroup=name))
        else:
            choices.append(SelectChoice(t.slug, theme_name(t.name),
                                        optgroup=names.get(t.parent_id)))
    return choices


def country_choices(first: str | None = None) -> list[SelectChoice]:
    choices = [SelectChoice("", first)] if first else []
    return choices + [SelectChoice(code, name) for code, name in countries().items()]


def place_choices(first: str | None = None) -> list[SelectChoice]:
    """What a query may be about: the world and its regions, then every country."""
    choices = [SelectChoice("", first)] if first else []
    around = _("The world and regions")
    return choices + [SelectChoice(code, name, optgroup=around)
                      for code, name in regions().items()] + [
        SelectChoice(code, name, optgroup=_("Countries")) for code, name in countries().items()]


def themes_field(label: str) -> SelectMultipleField:
    """A choice of any number of themes: checkboxes, grouped under their parent theme."""
    return SelectMultipleField(label, choices=lambda: theme_choices(), widget=Checklist())


def countries_field(label: str) -> SelectMultipleField:
    """A choice of any number of countries: checkboxes, the chosen ones first, with a
    filter box where JavaScript runs."""
    return SelectMultipleField(label, choices=lambda: country_choices(),
                               widget=Checklist(filter_label=_l("Filter the countries")))


def content_language_field(**kwargs) -> SelectField:
    """The language a query, contribution or response is written in; first shown: the
    author's, else the page's. The service checks it (i18n.content_language)."""
    return SelectField(_l("Language"), choices=content_language_menu, validate_choice=False,
                       default=lambda: content_language(None, current_user, {}), **kwargs)


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as checkboxes (the _macros.field macro renders a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
