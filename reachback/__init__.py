"""Reachback: a reach-back query service for stabilization and peacebuilding practitioners."""
from flask import Flask

from . import paths
from .accounts.limit_store import init_limiter
from .config import instance_path, load_config
from .extensions import csrf, db, init_compress, login_manager


def create_app(overrides: dict | None = None) -> Flask:
    """Build the application: config, extensions, blueprints. Nothing else happens here."""
    app = Flask(
        __name__,
        instance_path=instance_path(),
        instance_relative_config=True,
        template_folder=str(paths.TEMPLATES),
        static_folder=str(paths.STATIC),
        static_url_path="/static",  # not the folder's name: a wheel's is _static
    )
    # "//" in a path must reach the 404 handler, not a redirect (the API answers JSON).
    app.url_map.merge_slashes = False
    load_config(app, overrides)
    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    init_limiter(app)  # rate limits, counted in the database by default
    init_compress(app)

    from . import models  # noqa: F401 - every model registered before any query runs
    from .accounts.views import init_accounts
    from .extensions import init_engine_events
    from .files.views import init_files
    from .health import init_health
    from .i18n import init_i18n
    from .knowledge.search import init_outbox_events
    from .knowledge.search_views import init_search
    from .markdown import init_rendering
    from .members.views import init_members
    from .queries.views import init_queries
    from .reports.months import init_report_events
    from .sla.compliance import init_compliance_events
    from .sla.views import init_sla
    from .web import init_web

    # Every request hook, template filter, global and context processor is registered here
    # (blueprint-scoped hooks stay with their blueprints). Order matters for the hooks: the
    # sign-in policy runs first, then the second-factor check, then the search outbox.
    # The database hooks are process-wide (SQLAlchemy's Engine and Session classes).
    init_engine_events()
    init_rendering()
    init_outbox_events()
    init_compliance_events()
    init_report_events()
    init_web(app)
    init_i18n(app)
    init_health(app)
    init_accounts(app)
    init_queries(app)
    init_search(app)
    init_files(app)
    init_sla(app)
    init_members(app)
    for blueprint in _blueprints():
        app.register_blueprint(blueprint)
    return app


def init_migrations(app: Flask) -> Flask:
    """Flask-Migrate, for the `db` commands only: web workers never migrate, and alembic
    takes 11 MB of each worker's memory (budget: 120 MB)."""
    from flask_migrate import Migrate

    Migrate(app, db, directory=str(paths.MIGRATIONS))
    return app


def freeze_startup_heap() -> None:
    """Take what start-up made (modules, mappers, the app) out of the garbage collector's
    full passes, for a process about to serve requests (wsgi.py). A full pass scans every
    tracked object; at 100 000 queries one in twenty requests for the API's page of 100
    queries set one off, and scanning start-up's objects took 70-80 ms of it (bench/).
    Frozen, they are never scanned (nor freed: they live as long as the process)."""
    import gc

    from sqlalchemy.orm import configure_mappers

    configure_mappers()  # else done by the first query, after the freeze
    gc.collect()
    gc.freeze()


def _blueprints():
    from .accounts.invitation_views import bp as invitations
    from .accounts.twofactor_views import bp as twofactor
    from .accounts.views import bp as accounts
    from .admin.views import bp as admin
    from .api import bp as api
    from .community.views import bp as community
    from .discussions.views import bp as discussions
    from .groups.views import bp as groups
    from .i18n import bp as i18n
    from .knowledge import search_views, views  # noqa: F401 - their routes, on the knowledge bp
    from .knowledge.blueprint import bp as knowledge
    from .knowledge.library_views import bp as library
    from .members.views import bp as members
    from .newsletters.views import bp as newsletters
    from .notify.email_views import bp as email
    from .notify.views import bp as notify
    from .queries.views import bp as queries
    from .reports.views import bp as reports
    from .sla.views import bp as sla
    from .synthesis.views import bp as synthesis

    return [accounts, twofactor, invitations, queries, synthesis, knowledge, library, notify,
            email, admin, api, sla, reports, i18n, community, members, groups, discussions,
            newsletters]
