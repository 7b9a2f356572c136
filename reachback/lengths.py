"""Length caps of every text a user can send, in one place: services, forms and the API's
description all read them."""
from flask_babel import gettext as _
from wtforms.validators import ValidationError

from .errors import Invalid
from .i18n import number

# Characters, as Python counts them. Each cap stays within its column (String(n)).
TITLE = 200  # a title, and the one line that says what changed in a revision
NAME = 200  # a person's, an organisation's, a holiday's name
LABEL = 100  # a token's or a calendar's name, the list of languages an expert speaks
REFERENCE = 20  # a query's reference, such as RB-2026-0042
NOTE = 2_000  # a paragraph: a reason for declining, a note on closing
SUMMARY = 4_000  # a response's or a library document's summary
TEXT = 20_000  # a question, its context and purpose, a clarification, a reply, a note
BODY = 100_000  # Markdown that is the work itself: a response's body, a contribution
SEARCH = 400  # search text: longer is shortened (it costs time and never helps ranking)


def too_long(value: str, limit: int) -> str | None:
    """The field's error when `value` is over `limit` characters, else None. A line break
    counts once, as a browser counts it against `maxlength` (it then sends CR LF)."""
    if len(value) <= limit:
        return None
    count = len(value.replace("\r\n", "\n"))
    if count <= limit:
        return None
    return _("At most %(limit)s characters (this has %(count)s).", limit=number(limit),
             count=number(count))


def given_text(data: dict, name: str, cap: int, errors: dict, required: bool = False) -> str:
    """The text field `name` of `data`, stripped ("" when absent); its message goes into
    `errors` when it is not text (or holds NUL), is required and blank, or is over `cap`."""
    value = data.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str) or "\x00" in value:
        errors[name] = _("Must be text.")
        return ""
    value = value.strip()
    if required and not value:
        errors[name] = _("This field is required.")
    check(errors, **{name: (value, cap)})
    return value


def check(errors: dict, **fields: tuple) -> dict:
    """Add to `errors` a message for each field given as (text, cap) whose text is over its
    cap; a field that has an error already keeps it. Returns `errors`."""
    for name, (value, limit) in fields.items():
        message = too_long(value, limit) if isinstance(value, str) else None
        if message:
            errors.setdefault(name, message)
    return errors


def refuse_too_long(**fields: tuple) -> None:
    """Raise Invalid naming each field given as (text, cap) whose text is over its cap."""
    if errors := check({}, **fields):
        raise Invalid(_("Please correct the highlighted fields."), errors)


class Capped:
    """A form field's cap: `maxlength` for the browser, and the services' message beside
    the field when a request goes past it (line breaks counted once, as the browser does)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.field_flags = {"maxlength": limit}

    def __call__(self, form, field):
        message = too_long(field.data, self.limit) if isinstance(field.data, str) else None
        if message:
            raise ValidationError(message)
