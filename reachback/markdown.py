"""Markdown to sanitised HTML: python-markdown renders, nh3 removes anything unsafe."""
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


def render(text: str | None) -> Markup:
    """Render user Markdown; the result is safe to insert into a page."""
    html = _markdown.markdown(text or "", extensions=_EXTENSIONS, output_format="html")
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="noopener nofollow noreferrer",
    )
    # Safe to mark: nh3 has just removed every tag, attribute and URL scheme not allowed.
    return Markup(clean)  # noqa: S704  # nosec B704
