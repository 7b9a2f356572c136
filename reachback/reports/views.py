"""Report pages for staff (/reports, /reports/<name>) and their exports
(/reports/<name>.csv, /reports/<name>.xlsx): each reads its filters from the address and
asks services.report; nothing here decides."""
from functools import lru_cache

from babel import numbers
from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape

from ..errors import Invalid
from ..forms import country_choices, theme_choices
from . import exports, services
from .charts import bar_chart

bp = Blueprint("reports", __name__)


@lru_cache(maxsize=4096)
def _number(value, locale: str) -> str:
    return numbers.format_decimal(value, locale=locale)


def number_format():
    """A figure's cell content as the numberformat filter writes it ("—" for none), each
    (figure, language) formatted once: a report's table holds thousands of figures, mostly
    the same few, and a macro per cell cost more than the rest of the page."""
    locale = str(get_locale())
    none = Markup('<span class="muted">—<span class="visually-hidden"> %s</span></span>') \
        % _("none")
    return lambda value: none if value is None else escape(_number(value, locale))


@bp.route("/reports")
def index():
    return page("demand")


@bp.route("/reports/<name>")
def page(name):
    services.require_staff(current_user)
    services.check_name(name)
    errors, status = {}, 200
    try:
        report = services.report(current_user, name, request.args)
    except Invalid as error:  # the page again, each refused filter named, the defaults shown
        errors, status = error.fields, 422
        report = services.report(current_user, name, {})
    return render_template(
        "reports/report.html", report=report, errors=errors, names=services.NAMES,
        titles=services.TITLES, groupings=services.GROUPINGS[name],
        group_labels=services.GROUP_LABELS, args=request.args, chart=_chart(report),
        filtered=name in services.FILTERED, number=number_format(),
        themes=theme_choices(_("All themes")) if name in services.FILTERED else [],
        countries=country_choices(_("All countries")) if name in services.FILTERED else [],
    ), status


def _chart(report):
    """The SVG picture of the report's main figures."""
    if report.name == "demand":
        return bar_chart([(r["label"], r["queries"]) for r in report.rows],
                         _("Queries by %(group)s", group=services.GROUP_LABELS[
                             report.filters.group_by]))
    if report.name == "response-times":
        return bar_chart([(b["label"], b["count"]) for b in report.extra["distribution"]],
                         _("Queries by business time to publication"))
    if report.name == "experts":
        busy = sorted(report.rows, key=lambda r: -r["open_assignments"])[:20]
        return bar_chart([(r["expert"], r["open_assignments"]) for r in busy],
                         _("Open assignments per expert"))
    if report.name == "use" and report.filters.group_by == "score":
        return bar_chart([(r["label"], r["ratings"]) for r in report.rows],
                         _("Ratings by score"))
    if report.name == "use" and report.filters.group_by == "used_for":
        return None  # texts: the table says it
    if report.name == "use":
        return bar_chart([(r["title"], r["views"]) for r in report.rows[:20]],
                         _("Most-read responses"))
    if report.filters.group_by == "month":
        return bar_chart([(r["label"], r["searches"]) for r in report.rows],
                         _("Searches per month"))
    return bar_chart([(r["term"], r["searches"]) for r in report.rows[:20]],
                     _("Searches that found little or nothing"))


@bp.route("/reports/<name>.csv")
def csv(name):
    return _export(name, exports.to_csv, "text/csv; charset=utf-8", "csv")


@bp.route("/reports/<name>.xlsx")
def xlsx(name):
    return _export(name, exports.to_xlsx, exports.XLSX, "xlsx")


def _export(name, write, mimetype, extension):
    """The report as a file; with filters refused, its page, which names them."""
    try:
        report = services.report(current_user, name, request.args)
    except Invalid:
        return redirect(url_for("reports.page", name=name, **request.args))
    return _download(write(report), mimetype, exports.filename(report, extension))


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
