"""WSGI entry point: `gunicorn wsgi:app`."""
from reachback import create_app

app = create_app()
