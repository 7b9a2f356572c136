"""Charts as inline SVG made on the server: no JavaScript, printable, small. Each chart is
a picture of the figures its page gives in a table beside it, so the SVG itself is hidden
from screen readers' text flow but named (role="img" with a title)."""
from markupsafe import Markup

WIDTH = 640
BAR = 16
GAP = 6
LABEL = 170  # room for the labels, left of the bars
MAX_BARS = 40


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def bar_chart(items: list[tuple[str, float | None]], title: str) -> Markup:
    """Horizontal bars, one per (label, value), the longest the largest value; at most
    MAX_BARS. Empty when there is nothing to draw."""
    items = [(label, value or 0) for label, value in items[:MAX_BARS]]
    if not items or not any(value for _label, value in items):
        return Markup("")
    top = max(value for _label, value in items)
    room = WIDTH - LABEL - 60
    height = len(items) * (BAR + GAP) + GAP
    parts = [SVG_START.format(title=title, width=WIDTH, height=height)]
    for i, (label, value) in enumerate(items):
        y = GAP + i * (BAR + GAP)
        width = round(room * value / top, 1) if top else 0
        parts.append(BAR_ROW.format(
            label=label if len(label) <= 28 else label[:27] + "…", value=_number(value),
            label_x=LABEL - 6, text_y=y + BAR - 4, x=LABEL, y=y, width=width, height=BAR,
            value_x=LABEL + width + 4))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


SVG_START = Markup('<svg class="chart" role="img" aria-label="{title}" viewBox="0 0 {width} '
                   '{height}" width="100%" xmlns="http://www.w3.org/2000/svg">'
                   '<title>{title}</title>')
BAR_ROW = Markup('<text x="{label_x}" y="{text_y}" text-anchor="end">{label}</text>'
                 '<rect x="{x}" y="{y}" width="{width}" height="{height}"/>'
                 '<text x="{value_x}" y="{text_y}">{value}</text>')
