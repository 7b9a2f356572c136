"""Markdown to sanitised HTML: python-markdown renders, nh3 removes anything unsafe."""
import threading
from functools import lru_cache

import markdown as _markdown
import nh3
from markupsafe import Markup

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
    return _render(text or "")


@lru_cache(maxsize=512)
def _render(text: str) -> Markup:
    # The same texts are shown again and again (a query's question, its contributions, a
    # response): rendering is pure, so a small cache per worker saves most of the work.
    html = _converter().reset().convert(text)
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="noopener nofollow noreferrer",
    )
    # Safe to mark: nh3 has just removed every tag, attribute and URL scheme not allowed.
    return Markup(clean)  # noqa: S704  # nosec B704


def _converter() -> _markdown.Markdown:
    """One converter per thread: building one loads every extension (most of the cost of
    a short text); reset() between texts makes reuse safe."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = _markdown.Markdown(extensions=_EXTENSIONS,
                                                          output_format="html")
    return converter
