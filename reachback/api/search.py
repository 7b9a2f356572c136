"""API v1 search: GET /search, public (anonymous callers find public items only)."""
from flask import jsonify, request

from ..accounts import limits
from ..knowledge import search as svc
from . import bp
from . import schemas as s
from .auth import PUBLIC_ENDPOINTS, current_api_user

# No token needed: the caller's principals decide what the search may return.
PUBLIC_ENDPOINTS.add("api.search")


@bp.get("/search")
@limits.searches
def search():
    args = s.SearchArgs.parse(request.args)
    filters = {name: getattr(args, name) for name in svc.FILTERS}
    result = svc.search(current_api_user(), args.q, filters, page=args.page, sort=args.sort,
                        per_page=args.per_page, correct=False)
    return jsonify(s.SearchResults.dump(result))
