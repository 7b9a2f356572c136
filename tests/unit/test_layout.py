"""The house's structure, kept by tests: private names stay in their package, the modules
that once imported each other stay apart, and app-wide hooks are wired by the app factory."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(p for folder in ("reachback", "tests", "bench", "scripts")
                 for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, source: str | None = None):
    """(imported module, name or None) for every import in the file, relative ones resolved."""
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    source = path.read_text(encoding="utf-8") if source is None else source
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                yield module, alias.name


def package_of(module: str) -> str:
    """The package that owns a module: reachback.queries.views -> reachback.queries."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "reachback" and len(parts) > 2 else parts[0]


def private_imports(path: Path, source: str | None = None) -> list[str]:
    mine = package_of(module_name(path))
    return [f"{module}.{name}" for module, name in imports(path, source)
            if name and name.startswith("_") and not name.startswith("__")
            and package_of(module) != mine]


def test_no_module_imports_a_private_name_from_another_package_or_library():
    found = {str(p.relative_to(ROOT)): bad for p in SOURCES if (bad := private_imports(p))}
    assert found == {}


def test_the_private_name_check_sees_relative_and_library_imports():
    probe = ROOT / "reachback" / "queries" / "probe.py"  # never written: parsed from text
    source = ("from ..sla.services import _private\nfrom whoosh.util import _secret\n"
              "from .lists import _own_package\nfrom . import public\n")
    assert private_imports(probe, source) == ["reachback.sla.services._private",
                                              "whoosh.util._secret"]


@pytest.mark.parametrize("one, other", [
    ("reachback.knowledge.views", "reachback.knowledge.search_views"),
    ("reachback.accounts.lockout", "reachback.accounts.services"),
])
def test_modules_that_once_imported_each_other_no_longer_do(one, other):
    def imported_by(name):
        path = ROOT / (name.replace(".", "/") + ".py")
        return {module for module, _name in imports(path)} | {
            f"{module}.{n}" for module, n in imports(path) if n}

    assert other not in imported_by(one) or one not in imported_by(other)


def test_app_wide_hooks_are_registered_by_the_app_factory_not_by_importing_views():
    decorators = ("app_context_processor", "before_app_request", "after_app_request",
                  "teardown_app_request", "app_template_filter", "app_template_global")
    package = [p for p in SOURCES if p.relative_to(ROOT).parts[0] == "reachback"]
    found = [f"{p.relative_to(ROOT)}: {d}" for p in package for d in decorators
             if f".{d}" in p.read_text(encoding="utf-8")]
    assert found == []
