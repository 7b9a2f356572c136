"""Where the application's own files are, in a checkout and in an installed wheel."""
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# A wheel has no top level: setup.py's build step copies templates/ and static/ into the
# package under these names. A checkout (editable install, `make run`) has no copies, and
# reads the top-level folders it edits.
_PACKAGED = {"templates": PACKAGE / "_templates", "static": PACKAGE / "_static"}
INSTALLED = _PACKAGED["templates"].is_dir()
CHECKOUT = None if INSTALLED else PACKAGE.parent

TEMPLATES = _PACKAGED["templates"] if INSTALLED else CHECKOUT / "templates"
STATIC = _PACKAGED["static"] if INSTALLED else CHECKOUT / "static"
MIGRATIONS = PACKAGE / "migrations"
TRANSLATIONS = PACKAGE / "translations"  # Babel catalogues: <language>/LC_MESSAGES/messages.po


def default_instance() -> Path:
    """The checkout's instance/, or, installed, Flask's place for an installed package's
    instance folder (<prefix>/var/reachback-instance): never inside site-packages."""
    if INSTALLED:
        return Path(sys.prefix) / "var" / "reachback-instance"
    return CHECKOUT / "instance"
