"""The demo's data files (reachback/data/demo/*.yaml): what they hold is valid, and a file
edited wrongly fails when loaded, naming the file and the item."""
import shutil

import pytest
import yaml

from reachback.accounts.models import ORG_KINDS
from reachback.config import SETTINGS
from reachback.countries import codes
from reachback.data import demo_loader
from reachback.data.demo_loader import DemoDataError
from reachback.data.taxonomy import theme_rows
from reachback.knowledge.models import DOCUMENT_KINDS
from reachback.queries.models import CLOSE_REASONS, CONFIDENTIALITY, PRIORITIES, STATUSES

FILES = ("organisations.yaml", "people.yaml", "queries.yaml", "library.yaml")
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's: ten times faster


def test_the_shipped_files_load_and_hold_known_values():
    content = demo_loader.load()
    # the 42 queries of the index at the head of queries.yaml, the 23 accounts, and the
    # library's documents (their kinds and themes known)
    assert len(content.queries) == 42 and len(content.people) == 23
    assert len(content.library) == 9
    for doc in content.library:
        assert doc["kind"] in DOCUMENT_KINDS and doc.get("visibility", "community") in (
            "restricted", "community", "public"), doc["title"]
        assert set(doc.get("themes", [])) <= {row["slug"] for row in theme_rows()}
        assert set(doc.get("countries", [])) <= codes(), doc["title"]
    languages = set(SETTINGS["LANGUAGES"].default)  # the interface's, texts' too
    slugs = {row["slug"] for row in theme_rows()}
    for person in content.people:
        assert set(person.get("themes", [])) <= slugs, person["email"]
        assert person.get("language", "en") in languages, person["email"]
    for org in content.organisations:
        assert org["kind"] in ORG_KINDS, org["name"]
    for query in content.queries:
        assert set(query["themes"]) <= slugs, query["title"]
        assert query.get("status", "submitted") in STATUSES
        assert query.get("priority", "normal") in PRIORITIES
        assert query.get("confidentiality", "restricted") in CONFIDENTIALITY
        assert query.get("close_reason", "declined") in CLOSE_REASONS
        response = query.get("response") or {}
        translations = response.get("translations", [])
        assert {query.get("language", "en"), response.get("language", "en"),
                *(c.get("language", "en") for c in query.get("contributions", [])),
                *(t["language"] for t in translations)} <= languages, query["title"]
        # Markdown is stored as written: flush left, no surrounding blank lines or spaces
        for text in (query["question"], *(c["body"] for c in query.get("contributions", [])),
                     *(t[key] for t in translations for key in ("summary", "body"))):
            assert text == text.strip() and not text.startswith(" ")


def test_libyaml_and_the_pure_python_loader_read_the_files_alike():
    """Without libyaml (PyYAML built without it) the demo is the same, only slower."""
    for name in FILES:
        path = demo_loader.FOLDER / name
        assert yaml.safe_load(path.read_text(encoding="utf-8")) == demo_loader.parse(path)


@pytest.fixture
def demo_copy(tmp_path):
    """A copy of the data folder, and a function that edits one file's data and reloads."""
    folder = tmp_path / "demo"
    shutil.copytree(demo_loader.FOLDER, folder)

    def edit(name, change):
        data = demo_loader.parse(folder / name)
        change(data)
        (folder / name).write_text(yaml.dump(data, Dumper=DUMPER, allow_unicode=True),
                                   encoding="utf-8")
        return demo_loader.load(folder)

    edit.folder = folder
    return edit


@pytest.mark.parametrize(("name", "change", "message"), [
    ("queries.yaml", lambda q: q[3].pop("question"),
     r"queries\.yaml, item 3 \(Supporting community-level dialogue in central Mali .*\): "
     r"missing required key 'question'"),
    ("queries.yaml", lambda q: q[0]["contributions"][1].pop("body"),
     r"queries\.yaml, item 0 \(.*\), contributions\[1\]: missing required key 'body'"),
    ("queries.yaml", lambda q: q[9]["response"].pop("summary"),
     r"queries\.yaml, item 9 \(.*\), response: missing required key 'summary'"),
    ("queries.yaml", lambda q: q[5].update(needed_in_day=7),
     r"queries\.yaml, item 5 \(.*\): unknown key 'needed_in_day' \(a query has title, "),
    ("queries.yaml", lambda q: q[5].update(age_days="64"),
     r"queries\.yaml, item 5 \(.*\): 'age_days' must be int, not '64'"),
    ("queries.yaml", lambda q: q[5].update(themes="vetting"),
     r"queries\.yaml, item 5 \(.*\): 'themes' must be list, not 'vetting'"),
    ("queries.yaml", lambda q: q[2].update(requester="nobody@example.org"),
     r"queries\.yaml, item 2 \(.*\): requester 'nobody@example.org' is not in people\.yaml"),
    ("queries.yaml", lambda q: q[2]["experts"].append("g.achieng@example.org"),
     r"queries\.yaml, item 2 \(.*\): 'g\.achieng@example\.org' is not an expert"),
    ("queries.yaml", lambda q: q[29].update(duplicate_of_index=42),
     r"queries\.yaml, item 29 \(.*\): duplicate_of_index 42 is not the position of a query"),
    ("queries.yaml", lambda q: q[13].update(accepted=["f.abdi@example.org"]),
     r"queries\.yaml, item 13 \(.*\): accepted 'f\.abdi@example\.org' is not one of its"),
    ("queries.yaml", lambda q: q[13]["experts"].append("f.rahimi@example.org"),
     r"queries\.yaml, item 13 \(.*\): f\.rahimi@example\.org both declined and in experts"),
    ("library.yaml", lambda d: d[0].pop("text"),
     r"library\.yaml, item 0 \(.*\): missing required key 'text'"),
    ("queries.yaml", lambda q: q[29].pop("duplicate_of_index"),
     r"queries\.yaml, item 29 \(.*\): close_reason duplicate needs duplicate_of_index"),
    ("queries.yaml", lambda q: q[1]["response"]["translations"][0].pop("body"),
     r"queries\.yaml, item 1 \(.*\), response, translations\[0\]: missing required key 'body'"),
    ("queries.yaml", lambda q: q[1]["response"]["translations"][0].update(language="en"),
     r"queries\.yaml, item 1 \(.*\), response, translations\[0\]: language 'en' is the "),
    ("queries.yaml", lambda q: q[30]["response"].update(translations=[
        {"language": "fr", "title": "t", "summary": "s", "body": "b"}]),
     r"queries\.yaml, item 30 \(.*\), response, translations\[0\]: language 'fr' is the "),
    ("queries.yaml", lambda q: q[30].update(language="French"),
     r"queries\.yaml, item 30 \(.*\): 'language' must be an ISO 639-1 code"),
    ("people.yaml", lambda p: p["staff"][2].pop("roles"),
     r"people\.yaml, staff\[2\] \(facilitator@example\.org\): missing required key 'roles'"),
    ("people.yaml", lambda p: p["experts"][0].update(away_day=3),
     r"people\.yaml, experts\[0\] \(a\.mensah@example\.org\): unknown key 'away_day'"),
    ("people.yaml", lambda p: p["members"][1].update(organisation="Nowhere"),
     r"people\.yaml, members\[1\] \(m\.benali@example\.org\): organisation 'Nowhere' is not"),
    ("people.yaml", lambda p: p.pop("members"),
     r"people\.yaml: missing required key 'members'"),
    ("organisations.yaml", lambda o: o[4].pop("south"),
     r"organisations\.yaml, item 4 \(Sahel Governance Partners\): missing required key 'south'"),
])
def test_a_wrong_edit_names_the_file_and_the_item(demo_copy, name, change, message):
    with pytest.raises(DemoDataError, match=message):
        demo_copy(name, change)


def test_a_repeated_key_or_broken_yaml_names_the_file_and_the_line(demo_copy):
    path = demo_copy.folder / "queries.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  priority: high\n", "  priority: high\n  priority: low\n", 1),
                    encoding="utf-8")
    with pytest.raises(DemoDataError, match=r"queries\.yaml: .*repeated key 'priority'"
                                            r"(.|\n)*line \d+"):
        demo_loader.load(demo_copy.folder)
    path.write_text(text.replace("  priority: high\n", "  priority: [high\n", 1), encoding="utf-8")
    with pytest.raises(DemoDataError, match=r"queries\.yaml: (.|\n)*line \d+"):
        demo_loader.load(demo_copy.folder)
