"""Build step: a wheel carries the top-level templates/ and static/ inside the package."""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# The layout keeps these folders at the top of the repository, outside the package; an
# installed package has no top level, so the wheel gets copies (found by reachback/paths.py).
FOLDERS = {"templates": "_templates", "static": "_static"}


class BuildPyWithFolders(build_py):
    """build_py, then the folders copied into the built package."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's folders themselves
        for source, target in FOLDERS.items():
            built = Path(self.build_lib) / "reachback" / target
            shutil.rmtree(built, ignore_errors=True)  # no file deleted from the source survives
            shutil.copytree(HERE / source, built,
                            ignore=shutil.ignore_patterns("__pycache__", "*.py[co]"))
        self._compile_catalogues()

    def _compile_catalogues(self):
        """The wheel carries compiled catalogues (.mo, what gettext reads); git holds only
        the .po sources (a checkout compiles them with make)."""
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in (HERE / "reachback" / "translations").glob("*/LC_MESSAGES/messages.po"):
            target = Path(self.build_lib) / po.relative_to(HERE).with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source, target.open("wb") as out:
                write_mo(out, read_po(source))


setup(cmdclass={"build_py": BuildPyWithFolders})
