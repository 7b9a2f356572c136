"""Knowledge base pages: the library of published responses, open to whoever may read them."""
from flask import Response, render_template, request, url_for
from flask_login import current_user

from .. import permissions as perm
from ..errors import Invalid
from ..queries.lists import contributors_of
from ..reports.usage import record_view
from ..synthesis.translations import get_translation
from ..web import page_arg
from .blueprint import bp
from .feed import atom_feed
from .forms import KnowledgeFilterForm
from .services import get_published_response, knowledge_base

PER_PAGE = 20


@bp.route("/kb")
def index():
    form = KnowledgeFilterForm(formdata=request.args)
    theme, country = form.theme.data or None, form.country.data or None
    pager = knowledge_base(current_user, theme=theme, country=country, page=page_arg(),
                           per_page=PER_PAGE)
    args = {k: v for k, v in (("q", form.q.data), ("theme", theme), ("country", country)) if v}
    return render_template("knowledge/index.html", form=form, pager=pager, args=args)


@bp.route("/kb/feed.atom")
def feed():
    """The Atom feed of the published responses the caller may read (`theme`, `country`)."""
    try:
        xml = atom_feed(current_user, theme=request.args.get("theme") or None,
                        country=request.args.get("country") or None)
    except Invalid as error:  # a feed reader shows no flashed message: say it in the answer
        return Response("\n".join([error.message, *map(str, error.fields.values())]),
                        status=422, mimetype="text/plain")
    return Response(xml, mimetype="application/atom+xml")


@bp.route("/kb/<ref>")
def response(ref):
    """The response; `?lang=xx` shows its translation into xx, as /kb/<ref>/xx does. Each
    read is counted for the reports (reports.usage: how many, never who)."""
    r = get_published_response(current_user, ref)
    lang = request.args.get("lang")
    if lang and lang != r.language:
        return _response_page(r, get_translation(current_user, ref, lang))
    page = _response_page(r)
    record_view(r)  # after the page is made: counting commits, expiring what it loaded
    return page


@bp.route("/kb/<ref>/<language>")
def translation(ref, language):
    """The response in another language (its readers are the original's)."""
    t = get_translation(current_user, ref, language)
    page = _response_page(t.response, t)
    record_view(t.response)
    return page


def _response_page(r, translation=None):
    """The response, or its `translation` (its text in place of the original's), with the
    other versions it has ("Also in")."""
    ref, shown = r.query.reference, (translation or r).language
    versions = [(r.language, url_for("knowledge.response", ref=ref)),
                *((t.language, url_for("knowledge.translation", ref=ref, language=t.language))
                  for t in r.translations)]
    return render_template("knowledge/response.html", r=r, q=r.query, translation=translation,
                           text=translation or r, contributors=contributors_of(r.query),
                           versions=[v for v in versions if v[0] != shown],
                           show_query=perm.can_view_query(current_user, r.query))

