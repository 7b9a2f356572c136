"""The wheel built from the repository is the whole application (issue 14, item 8): in a
fresh virtualenv, run from another directory, it migrates its database, renders its
templates (e-mails included), serves every static file and reads the demo's data files."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from reachback.data import demo_loader

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("installed_probe.py")
# What a checkout holds that a build does not read: the copy stays small, and builds from
# a clean tree (no build/ or egg-info left by an earlier one).
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "instance", "build", "dist", "*.egg-info", "__pycache__", ".*_cache",
    ".hypothesis", "bench", "docs", "tests", "node_modules")

pytestmark = pytest.mark.packaging


def run(argv, **kwargs) -> str:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=300, **kwargs)  # noqa: S603
    assert result.returncode == 0, f"{argv}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


def build_wheel(tmp: Path) -> Path:
    """`pip wheel .` on a copy of the checkout: pip builds in the source tree, and the
    copy keeps build/ and egg-info out of the working tree (and parallel runs apart)."""
    shutil.copytree(ROOT, tmp / "src", ignore=NOT_SOURCES)
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp / "dist"),
         str(tmp / "src")])
    wheel, = (tmp / "dist").glob("reachback-*.whl")
    return wheel


def make_venv(tmp: Path, wheel: Path) -> Path:
    """A virtualenv holding the wheel; the dependencies come from the project's virtualenv
    through a .pth file (its own .pth files, the editable install's among them, are not
    read from there), written after the install so pip sees an empty environment."""
    venv = tmp / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
         "--no-index", str(wheel)])
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
                .strip())
    deps = dict.fromkeys(sysconfig.get_path(kind) for kind in ("purelib", "platlib"))
    (site / "project-dependencies.pth").write_text("".join(f"{p}\n" for p in deps))
    return venv


def install_and_probe(tmp: Path) -> tuple[Path, dict]:
    """The installed application used from a directory outside the checkout, with an
    environment naming no instance folder, database or Python path of the project."""
    venv = make_venv(tmp, build_wheel(tmp))
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("REACHBACK_", "PYTHON", "VIRTUAL_ENV"))}
    run([str(venv / "bin" / "reachback"), "db", "upgrade"], cwd=elsewhere, env=env)
    static = files_under(ROOT / "static")
    # -I: neither the probe's folder nor the current one goes on sys.path.
    probe = run([str(venv / "bin" / "python"), "-I", str(PROBE), json.dumps(static)],
                cwd=elsewhere, env=env)
    return venv.resolve(), json.loads(probe.splitlines()[-1])


# One test, not one per check: under `pytest -n 2` each worker would build its own wheel.
def test_the_wheel_installed_elsewhere_migrates_renders_and_serves(tmp_path):
    venv, found = install_and_probe(tmp_path)
    check_comes_from_the_wheel_alone(venv, found)
    check_migrated_in_the_installed_instance_folder(venv, found)
    assert found["templates"] == files_under(ROOT / "templates")  # each one compiled
    check_every_email_renders(found)
    check_pages_render_signed_out_and_in(found)
    check_every_static_file_is_served_as_in_the_checkout(found)
    check_the_demo_data_files_are_in_the_wheel(venv, found)


def check_comes_from_the_wheel_alone(venv: Path, found: dict) -> None:
    assert Path(found["package"]).is_relative_to(venv)
    assert str(ROOT) not in found["sys_path"] and "" not in found["sys_path"]
    for folder in ("template_folder", "static_folder", "instance_path"):
        assert Path(found[folder]).is_relative_to(venv), found[folder]


def check_migrated_in_the_installed_instance_folder(venv: Path, found: dict) -> None:
    instance = Path(found["instance_path"])
    assert instance == venv / "var" / "reachback-instance"  # never inside site-packages
    assert (instance / "reachback.db").stat().st_size > 0


def check_every_email_renders(found: dict) -> None:
    assert {name for name in found["templates"] if name.startswith("emails/")
            and not name.startswith("emails/_")} == {  # not the parts they include
        f"emails/{name}.{ext}" for name in found["emails"] for ext in ("txt", "html")}
    assert all("Amina" in body and "rb.example" in body for body in found["emails"].values())


def check_pages_render_signed_out_and_in(found: dict) -> None:
    pages = {path: status for path, status in found["statuses"].items()
             if not path.startswith("/static/")}
    assert pages == {**{path: 200 for path in pages}, "/no-such-page": 404}


def check_every_static_file_is_served_as_in_the_checkout(found: dict) -> None:
    for name in files_under(ROOT / "static"):
        digest = hashlib.sha256((ROOT / "static" / name).read_bytes()).hexdigest()
        assert found["statuses"][f"/static/{name}"] == [200, digest], name


def check_the_demo_data_files_are_in_the_wheel(venv: Path, found: dict) -> None:
    demo = found["demo"]
    assert Path(demo.pop("folder")).is_relative_to(venv)
    content = demo_loader.load(ROOT / "reachback" / "data" / "demo")
    assert demo == {"organisations": len(content.organisations), "people": len(content.people),
                    "queries": len(content.queries)}
