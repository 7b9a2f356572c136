"""Markdown to sanitised HTML: python-markdown renders, nh3 removes anything unsafe.

Texts that are shown again and again (questions, contributions, messages, responses) are
rendered once, when they are written, into a `<field>_html` column beside them (the
Rendered mixin): a page or an API list of 25 queries with their contributions would
otherwise render a hundred texts per request (~0.5 ms each).
"""
import html as _html
import threading
from itertools import chain

import markdown as _markdown
import nh3
from markupsafe import Markup
from sqlalchemy import inspect
from sqlalchemy.orm import Session

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}
_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
_SCHEMES = {"http", "https", "mailto"}
_EXTENSIONS = ["extra", "sane_lists"]


_local = threading.local()


def render(text: str | None) -> Markup:
    """Render user Markdown; the result is safe to insert into a page."""
    html = _converter().reset().convert(text or "")
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="noopener nofollow noreferrer",
    )
    # Safe to mark: nh3 has just removed every tag, attribute and URL scheme not allowed.
    return Markup(clean)  # noqa: S704  # nosec B704


def plain_text(text: str | None, rendered: str | None = None) -> str:
    """The words of user Markdown without its syntax ("## Summary\n\n**Vetting** works" ->
    "Summary Vetting works"): rendered (or its stored rendering, `rendered`), every tag
    removed, entities read back, runs of white space made one space. For search snippets
    and titles, shown as text (escaped where they are shown)."""
    if not text and not rendered:
        return ""
    page = rendered if rendered is not None else str(render(text))
    words = _html.unescape(nh3.clean(page.replace("<br", " <br"), tags=set()))
    return " ".join(words.split())


def plain_title(title: str | None) -> str:
    """A one-line title as plain_text, except that a leading number ("2. Lessons") is kept
    rather than read as a numbered list."""
    head, dot, rest = (title or "").partition(". ")
    if dot and head.isdigit():
        return f"{head}. {plain_text(rest)}".strip()
    return plain_text(title)


def _converter() -> _markdown.Markdown:
    """One converter per thread: building one loads every extension (most of the cost of
    a short text); reset() between texts makes reuse safe."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = _markdown.Markdown(extensions=_EXTENSIONS,
                                                          output_format="html")
    return converter


class Rendered:
    """Mixin for a model whose fields named in `__markdown__` each have a `<field>_html`
    column, filled on flush whenever the field is new or changed (_render_on_flush)."""

    __markdown__: tuple[str, ...] = ()

    def html(self, field: str) -> Markup:
        """The field as safe HTML: rendered when it was written, or now for a row written
        before the column existed (`reachback rerender` fills those)."""
        stored = getattr(self, f"{field}_html")
        if stored is None:
            return render(getattr(self, field))
        # Safe to mark: render() sanitised it before it was stored.
        return Markup(stored)  # noqa: S704  # nosec B704

    def rerender(self, fields: tuple[str, ...] | None = None) -> None:
        for field in self.__markdown__ if fields is None else fields:
            setattr(self, f"{field}_html", str(render(getattr(self, field))))


def init_rendering() -> None:
    """Render changed Markdown fields on every flush (called by the app factory)."""
    from .extensions import listen_once

    listen_once(Session, "before_flush", _render_on_flush)


def _render_on_flush(session, _context, _instances) -> None:
    for obj in chain(session.new, session.dirty):
        if isinstance(obj, Rendered):
            state = inspect(obj)
            obj.rerender(tuple(f for f in obj.__markdown__
                               if obj in session.new or state.attrs[f].history.has_changes()))
