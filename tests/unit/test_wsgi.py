"""wsgi.py, what gunicorn loads: the app, with start-up's objects frozen out of the
garbage collector's full passes."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc
import wsgi
from reachback.extensions import db
mappers = list(db.Model.registry.mappers)
print(gc.get_freeze_count(), wsgi.app.name, len(mappers) > 20 and all(m.configured for m in mappers))
"""


def test_wsgi_app_has_start_up_frozen(tmp_path):
    env = {**os.environ, "REACHBACK_INSTANCE_PATH": str(tmp_path / "instance")}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True, timeout=120).stdout.split()
    frozen, name, configured = int(out[0]), out[1], out[2]
    assert name == "reachback"
    assert frozen > 50_000  # modules, mappers, the app: ~130 000 objects
    assert configured == "True"  # mappers configured before the freeze
