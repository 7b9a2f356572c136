"""API v1 search: GET /search, public (anonymous callers find public items only)."""
from flask import jsonify, request

from ..accounts import limits
from ..knowledge import search as svc
from . import bp
from .auth import MAX_PER_PAGE, PUBLIC_ENDPOINTS, choice_arg, current_api_user, int_arg, str_arg

# No token needed: the caller's principals decide what the search may return.
PUBLIC_ENDPOINTS.add("api.search")


@bp.get("/search")
@limits.searches
def search():
    filters = {name: str_arg(name) for name in svc.FILTERS}
    result = svc.search(current_api_user(), request.args.get("q", ""), filters,
                        page=int_arg("page", 1), sort=choice_arg("sort", svc.SORTS) or "relevance",
                        per_page=int_arg("per_page", svc.PER_PAGE, high=MAX_PER_PAGE))
    return jsonify({
        "items": [{"kind": i.kind, "ref": i.ref, "title": i.title, "summary": i.summary,
                   "url": i.url, "score": i.score, "highlights": i.highlights}
                  for i in result.items],
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "facets": {name: [{"value": value, "label": result.label(name, value), "count": count}
                          for value, count in values]
                   for name, values in result.facets.items()},
        "suggestion": result.suggestion,
        "message": result.message,
        "rebuilding": result.rebuilding,
    })
