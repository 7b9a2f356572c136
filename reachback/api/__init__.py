"""JSON API v1: thin adapters over the services (bearer tokens, JSON in and out).

Every handler loads through a service (404 when invisible), calls one service,
commits once and serialises. Errors are DomainErrors rendered as JSON by reachback.web.
"""
from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer tokens, never cookies: there is no ambient credential for a forged request to ride on.
csrf.exempt(bp)

from . import auth, community, newsletters, openapi, reports, search, views  # noqa: E402, F401 - routes and hooks register on bp
