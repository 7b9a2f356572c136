"""Scheduled jobs of the knowledge feature: keep the search index in step with the database."""
import logging

log = logging.getLogger(__name__)


def apply_search_outbox() -> int:
    """Apply the queued search index changes (rebuilding a missing or unreadable index);
    returns how many were applied. Idempotent; a busy index is left for the next run."""
    from .index import IndexBusy
    from .search import apply_outbox, ensure_index

    try:
        ensure_index()
        return apply_outbox()
    except IndexBusy:
        log.info("The search index is busy: its outbox waits for the next run")
        return 0
