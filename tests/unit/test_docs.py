"""The documentation holds together: every relative link and image in README.md, SECURITY.md
and docs/**/*.md leads to a file in the repository (not a git-ignored one, with the exact
case of its name), and every #anchor to a heading of its target as GitHub names it; the
README stays under 15 KB and names no path outside the repository; setup.cfg still takes
the README as the package's long description.

The checks are plain functions of a file and a root folder, so that the last tests can show
them failing on a broken link, a missing heading and a path outside the repository."""
import configparser
import re
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest

from reachback.data import demo_loader
from reachback.demo import CODE_HINT

ROOT = Path(__file__).resolve().parents[2]
README_LIMIT = 15_000  # bytes: "under 15 KB", read strictly

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
INLINE_TARGET = re.compile(r"\]\(\s*(<[^>]*>|[^)\s]*)")  # [text](target) and ![alt](target)
REFERENCE_TARGET = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*(<[^>]*>|\S+)", re.M)
HTML_TARGET = re.compile(r"<(?:a|img|source)\b[^>]*?\b(?:href|src|srcset)\s*=\s*[\"']([^\"']*)[\"']",
                         re.I)
HTML_ANCHOR = re.compile(r"<a\b[^>]*?\b(?:name|id)\s*=\s*[\"']([^\"']+)[\"']", re.I)
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
LINE_ANCHOR = re.compile(r"^L\d+(?:-L\d+)?$")  # GitHub's anchors into a source file

# Paths that leave the repository, wherever they appear in the README (code included).
UP_A_FOLDER = re.compile(r"(?<![^\s(\"'`=:<\[])\.\.[/\\]")
ABSOLUTE = re.compile(
    r"(?<![\w.:/~-])/(?:work|home|root|tmp|etc|srv|var|usr|opt|mnt|media|private|Users|"
    r"Volumes|proc|sys|dev|run|snap|nix|shared)(?=/|\b)")
HOME = re.compile(r"(?<![\w/])~[\w-]*/")
WINDOWS = re.compile(r"(?<![\w])[A-Za-z]:\\")
FILE_URL = re.compile(r"\bfile:/", re.I)
# A relative path naming a file (it ends in a name with an extension), such as
# docs/api.md or shared/NOTES.md: its first folder must be one of the repository's.
RELATIVE_FILE = re.compile(r"(?<![\w./:~@\\-])([\w-][\w.-]*)/(?:[\w.-]+/)*[\w-][\w.-]*\.[A-Za-z0-9]+\b")


def documents(root: Path = ROOT) -> list[Path]:
    return [root / "README.md", root / "SECURITY.md", *sorted((root / "docs").rglob("*.md"))]


def prose(text: str) -> str:
    """The text without fenced code blocks and code spans: what renders as Markdown."""
    kept, fence = [], None
    for line in text.splitlines():
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
        elif fence is not None and match and match.group(1)[0] == fence[0] \
                and len(match.group(1)) >= len(fence) and not line.strip(" `~"):
            fence = None
        elif fence is None:
            kept.append(line)
            continue
        kept.append("")  # keep the line count
    return CODE_SPAN.sub(lambda m: " " * len(m.group(0)), "\n".join(kept))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading (github-slugger): the rendered text, lower case,
    without punctuation, spaces made hyphens."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", heading)  # images render no text
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link keeps its text
    text = re.sub(r"<[^>]+>", "", text)  # HTML tags
    text = re.sub(r"(?<!\w)_+|_+(?!\w)|\*+|`+", "", text)  # emphasis and code markers
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every anchor of a Markdown file: its headings' slugs, numbered on repeats as GitHub
    does (-1, -2...), and explicit <a name|id="...">."""
    text = path.read_text(encoding="utf-8")
    lines = prose(text).splitlines()
    headings = []
    for number, line in enumerate(lines):
        atx = ATX_HEADING.match(line)
        if atx:
            headings.append(atx.group(2) or "")
        elif SETEXT_UNDERLINE.match(line) and number and lines[number - 1].strip() \
                and not lines[number - 1].lstrip().startswith(("|", "-", "*", ">")) \
                and not ATX_HEADING.match(lines[number - 1]):
            headings.append(lines[number - 1].strip())
    found, seen = set(), {}
    for heading in headings:
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    found.update(HTML_ANCHOR.findall(text))
    return found


def link_targets(text: str) -> list[str]:
    """The targets of every link and image that Markdown renders (code left out)."""
    shown = prose(text)
    targets = [t.strip("<>") for t in INLINE_TARGET.findall(shown)]
    targets += [t.strip("<>") for t in REFERENCE_TARGET.findall(shown)]
    targets += HTML_TARGET.findall(shown)
    return targets


def ignored_by_git(paths: list[Path], root: Path) -> set[Path]:
    """The paths git ignores (untracked and matching .gitignore): not in the repository for
    anyone who clones it. Empty outside a git work tree."""
    if not paths:
        return set()
    try:
        done = subprocess.run(["git", "-C", str(root), "check-ignore", "--stdin"],
                              input="\n".join(str(p) for p in paths), capture_output=True,
                              text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return set()
    if done.returncode not in (0, 1):  # 128: not a git work tree
        return set()
    return {Path(line) for line in done.stdout.splitlines()}


def exact_case(path: Path, root: Path) -> bool:
    """True when every part of `path` below `root` is spelled as on disk (GitHub is case
    sensitive even where the local file system is not)."""
    current = root
    for part in path.relative_to(root).parts:
        if part not in {child.name for child in current.iterdir()}:
            return False
        current = current / part
    return True


def link_problems(doc: Path, root: Path = ROOT) -> list[str]:
    """What is wrong with the relative links and images of `doc`, one line each."""
    root = root.resolve()
    problems, resolved = [], []
    for target in link_targets(doc.read_text(encoding="utf-8")):
        if FILE_URL.match(target):
            problems.append(f"{target}: a file: address")
            continue
        if not target or SCHEME.match(target):
            continue  # an empty link, or a web address (http:, https:, mailto:)
        path_part, _, anchor = target.partition("#")
        path_part = unquote(path_part.split("?", 1)[0])
        if path_part.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", path_part):
            problems.append(f"{target}: an absolute path; use a path relative to {doc.name}")
            continue
        path = (doc.parent / path_part).resolve() if path_part else doc.resolve()
        if not path.is_relative_to(root):
            problems.append(f"{target}: outside the repository")
            continue
        if not path.exists():
            problems.append(f"{target}: no such file")
            continue
        if not exact_case(path, root):
            problems.append(f"{target}: the name's case differs from the file's")
            continue
        resolved.append((target, path))
        if anchor:
            if path.suffix.lower() == ".md":
                if unquote(anchor) not in anchors(path):
                    problems.append(f"{target}: no heading #{anchor} in "
                                    f"{path.relative_to(root).as_posix()}")
            elif not LINE_ANCHOR.match(anchor):
                problems.append(f"{target}: an anchor into a file that is not Markdown")
    ignored = ignored_by_git([p for _t, p in resolved], root)
    problems += [f"{t}: ignored by git, so not in the repository"
                 for t, p in resolved if p in ignored]
    return problems


def outside_paths(text: str, root: Path = ROOT) -> list[str]:
    """Paths in `text` that lead out of the repository: up a folder, absolute, in a home
    folder, file: addresses, or relative paths whose first folder the repository lacks."""
    found = [m.group(0) for pattern in (UP_A_FOLDER, ABSOLUTE, HOME, WINDOWS, FILE_URL)
             for m in pattern.finditer(text)]
    without_addresses = re.sub(r"[A-Za-z][A-Za-z0-9+.-]*://\S+", " ", text)
    found += [m.group(0) for m in RELATIVE_FILE.finditer(without_addresses)
              if not (root / m.group(1)).exists()]
    return found


# --- the repository's documents ---------------------------------------------------------------

@pytest.mark.parametrize("doc", documents(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_and_image_leads_to_a_file_and_heading(doc):
    assert doc.is_file(), f"{doc.relative_to(ROOT)} is missing"
    problems = link_problems(doc)
    assert not problems, f"{doc.relative_to(ROOT)}:\n  " + "\n  ".join(problems)


def test_the_readme_is_under_15_kb():
    size = len((ROOT / "README.md").read_bytes())
    assert size < README_LIMIT, (f"README.md is {size} bytes; keep it under {README_LIMIT}: "
                                 "move detail into docs/ and link to it")


def test_the_readme_names_the_demo_s_experts_and_its_two_factor_command():
    """Which demo accounts are experts (the staff's expert and the roster of
    reachback/data/demo/people.yaml), and the command that prints a code, as the demo
    prints it: with the project's virtualenv."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Demo accounts\n", 1)[1].split("\n## ", 1)[0]
    content = demo_loader.load()
    assert "| expert | `expert@example.org` |" in section
    named = set(re.findall(r"`([a-z]\.[a-z]+)`", section.split("**experts**", 1)[1]
                           .split("**member**", 1)[0]))
    assert named == {p["email"].removesuffix("@example.org") for p in content.experts}
    command = re.search(r'\.venv/bin/python -c "[^"]+"', CODE_HINT).group(0)
    assert command in section


def test_the_readme_names_no_path_outside_the_repository():
    found = outside_paths((ROOT / "README.md").read_text(encoding="utf-8"))
    assert not found, f"README.md names paths outside the repository: {found}"


def test_the_readme_is_the_package_long_description():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    assert config["metadata"]["long_description"].strip() == "file: README.md"
    assert config["metadata"]["long_description_content_type"].strip() == "text/markdown"
    assert (ROOT / "README.md").read_text(encoding="utf-8").startswith("# Reachback")


# --- the checks fail when they should -------------------------------------------------------

def test_the_checks_catch_broken_links_missing_headings_and_paths_outside(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text(
        "# Guide\n\n## Who sees *what*?\n\n## Who sees what?\n\nSetext title\n---\n")
    (tmp_path / "docs" / "shot.png").write_bytes(b"\x89PNG")
    readme = tmp_path / "README.md"
    readme.write_text(
        "# Reachback\n\n## Try it\n\n"
        "[ok](docs/guide.md#who-sees-what) [again](docs/guide.md#who-sees-what-1) "
        "[setext](docs/guide.md#setext-title) [here](#try-it) ![ok](docs/shot.png) "
        "[web](https://example.org/x.md) [mail](mailto:a@example.org)\n\n"
        "[gone](docs/missing.md) ![gone](docs/screenshots/none.png) [case](docs/Guide.md)\n"
        "[no heading](docs/guide.md#nothing-here) [none here](#nowhere)\n"
        "[up](../shared/DESIGN.md) [abs](/work/main/README.md)\n\n"
        "`[in code](docs/missing.md)`\n\n```\n[in a block](docs/missing.md)\n```\n")
    problems = link_problems(readme, tmp_path)
    assert [p.split(":")[0] for p in problems] == [
        "docs/missing.md", "docs/screenshots/none.png", "docs/Guide.md",
        "docs/guide.md#nothing-here", "#nowhere", "../shared/DESIGN.md",
        "/work/main/README.md"]
    text = ("See ../shared/SECURITY-CHECKLIST.md, /work/main/setup.cfg, ~/notes/x.md,\n"
            "shared/DESIGN.md and file:///etc/passwd. Fine: docs/guide.md, /api/v1/me,\n"
            "http://127.0.0.1:5000/kb/RB-2026-0042, a.b@example.org, application/json.\n")
    assert outside_paths(text, tmp_path) == [
        "../", "/work", "~/", "file:/", "shared/DESIGN.md"]
    assert outside_paths("docs/guide.md and /api/v1/openapi.json", tmp_path) == []
