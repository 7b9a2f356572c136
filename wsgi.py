"""WSGI entry point: `gunicorn wsgi:app`."""
from reachback import create_app, freeze_startup_heap

app = create_app()
freeze_startup_heap()
