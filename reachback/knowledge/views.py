"""Knowledge base pages: the library of published responses, open to whoever may read them."""
from flask import render_template, request
from flask_login import current_user

from .. import permissions as perm
from ..queries.lists import contributors_of
from ..web import page_arg
from .blueprint import bp
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


@bp.route("/kb/<ref>")
def response(ref):
    r = get_published_response(current_user, ref)
    return render_template("knowledge/response.html", r=r, q=r.query,
                           contributors=contributors_of(r.query),
                           show_query=perm.can_view_query(current_user, r.query))

