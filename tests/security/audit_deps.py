"""`make check`: run pip-audit on the installed packages when its vulnerability service (the
PyPI JSON API) answers; otherwise say so and succeed (CI never fails for want of a network).

Run as `python -m tests.security.audit_deps`. Exit status: pip-audit's (1 when a known
vulnerability is found), or 0 when skipped.
"""
import json
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from importlib.metadata import version
from pathlib import Path

PROBE = "https://pypi.org/pypi/pip/{}/json"


def service_answers() -> bool:
    """True when PyPI's per-release JSON (with its "vulnerabilities" list) can be read."""
    try:
        with urllib.request.urlopen(PROBE.format(version("pip")), timeout=10) as r:  # noqa: S310 - fixed https URL
            return "vulnerabilities" in json.load(r)
    except (OSError, ValueError, urllib.error.URLError):
        return False


def main() -> int:
    tool = shutil.which("pip-audit", path=str(Path(sys.executable).parent))
    if tool is None:
        print("pip-audit skipped: not installed (pip install -e '.[test]').")
        return 0
    if not service_answers():
        print("pip-audit skipped: the PyPI vulnerability service cannot be reached from here.")
        return 0
    return subprocess.run([tool, "--local", "--skip-editable", "--progress-spinner", "off"],
                          check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
