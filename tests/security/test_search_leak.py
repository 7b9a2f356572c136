"""A published response's search document holds the response, never its query's hidden text
(issue 14, item 1; DESIGN §12): a restricted query's title, question, context and purpose are
found by no outsider through any search, and a hit shows the response's own title."""
import importlib.util
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlencode

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import select

from reachback.accounts.services import create_token
from reachback.extensions import db
from reachback.groups import services as groups
from reachback.knowledge import search as svc
from reachback.knowledge.models import SearchOutbox
from reachback.queries import services as qs
from reachback.synthesis import services as ss
from tests.helpers import WebClient
from tests.security.conftest import is_login_redirect

# Words only the restricted query holds, one per field (an informant's name in the context).
HIDDEN = {"title": "Quillfeather", "question": "Brannigan", "context": "Tesfamariam",
          "purpose": "Vorkutaville"}
QUERY_TITLE = f"Where does {HIDDEN['title']} hide the recruits?"
# Words of the published response itself.
RESPONSE_TITLE = "Lessons on community policing after elections"
RESPONSE_WORD = "Marigoldshire"
VERSIONS = Path(svc.__file__).parents[1] / "migrations" / "versions"


@pytest.fixture(autouse=True)
def _close_index(app):
    yield
    svc.get_index().close()


@pytest.fixture
def hidden(clock, make_user):
    """A member's restricted query whose every field holds a hidden word, answered by a
    response published as public under another title."""
    member, fac, expert = make_user("member"), make_user("facilitator"), make_user("expert")
    q = qs.submit_query(member, {
        "title": QUERY_TITLE, "country": "SS", "confidentiality": "restricted",
        "question": f"Which militia does {HIDDEN['question']} command?",
        "context": f"Our informant {HIDDEN['context']} told us so in confidence.",
        "purpose": f"To brief the {HIDDEN['purpose']} station chief.",
        "themes": ["police-reform-and-community-policing"]})
    qs.assign_expert(fac, q, expert)
    qs.add_contribution(expert, q, "Advice on vetting.")
    ss.save_draft(fac, q, RESPONSE_TITLE, "Vet recruits with the community.",
                  f"What worked in {RESPONSE_WORD}: open hearings before deployment.")
    ss.publish_response(fac, q, "public")
    db.session.commit()
    svc.apply_outbox()
    return q


def shown(text: str, searched: str = "") -> list[str]:
    """The hidden words (and the query's title) that `text` shows, but for the words the
    caller searched for (a page repeats them in its search box)."""
    lowered, searched = text.lower(), searched.lower()
    return [w for w in [*HIDDEN.values(), QUERY_TITLE]
            if w.lower() in lowered and w.lower() not in searched]


def test_a_response_document_holds_the_response_only(hidden, make_user):
    """The index document of a response carries none of its query's text, even for staff
    (who may read the query): the index itself holds nothing of it."""
    loaded = list(svc.sources()["response"].load([hidden.reference]))
    for doc in (svc.response_to_doc(hidden.response), *loaded):
        assert doc.title == RESPONSE_TITLE
        assert doc.extra == ""
        assert shown(" ".join([doc.title, doc.summary, doc.body, doc.extra,
                               *doc.theme_names, *doc.country_names])) == []
        assert doc.principals == ["public"] and doc.countries == ["SS"]
    staff = make_user("facilitator")
    for word in HIDDEN.values():
        result = svc.search(staff, word)
        assert (result.total, result.suggestion) == (0, None), word
        assert svc.similar(staff, word) == []
    found = svc.search(staff, RESPONSE_WORD)
    assert [(i.ref, i.title) for i in found.items] == [(hidden.reference, RESPONSE_TITLE)]


@dataclass
class Outsider:
    """Someone who may not read the query: the API's bearer header (none when anonymous),
    and a web client signed in as them (or not)."""

    who: str
    headers: dict
    web: WebClient

    def api(self, words: str) -> dict:
        url = f"/api/v1/search?{urlencode({'q': words})}"
        return self.web.client.get(url, headers=self.headers).get_json()


def _outsider(who, user, make_web) -> Outsider:
    _, token = create_token(user, "test")
    db.session.commit()
    web = make_web()
    web.sign_in(user)
    return Outsider(who, {"Authorization": f"Bearer {token}"}, web)


@pytest.fixture
def group_people(make_user):
    """A member and a facilitator of the group "wash", and a member of another group."""
    admin = make_user("admin")
    wash = groups.create_group(admin, {"name": "WASH", "slug": "wash"})
    other = groups.create_group(admin, {"name": "Other", "slug": "other"})
    people = {name: make_user("member")
              for name in ("group_member", "other_group", "group_facilitator")}
    groups.join_group(people["group_member"], wash)
    groups.join_group(people["group_facilitator"], wash)
    groups.set_role(admin, wash, people["group_facilitator"].id, "facilitator")
    groups.join_group(people["other_group"], other)
    db.session.commit()
    return people


@pytest.fixture
def outsiders(make_user, make_web, group_people):
    """An anonymous visitor, another member, and the group roles (none of whom may read the
    restricted query, which belongs to no group)."""
    return [Outsider("anonymous", {}, make_web()),
            _outsider("member", make_user("member"), make_web),
            *(_outsider(who, user, make_web) for who, user in group_people.items())]


def test_outsiders_find_no_hidden_word_through_any_search(hidden, outsiders):
    every = " ".join(HIDDEN.values())
    for outsider in outsiders:
        who, web = outsider.who, outsider.web
        for words in [*HIDDEN.values(), every]:
            body = outsider.api(words)
            assert (body["total"], body["items"], body["suggestion"]) == (0, [], None), who
            page = web.get("/search", query_string={"q": words}).text
            assert "0 results" in page and hidden.reference not in page, who
            assert shown(page, words) == [], who
        similar = web.get("/search/similar", query_string={"title": every, "question": every})
        if who == "anonymous":  # the live box is for members
            assert is_login_redirect(similar)
        else:
            assert similar.get_json() == {"items": []}
    # The question form's own button (for members: the form needs a sign-in).
    assert outsiders[1].who == "member"
    form = outsiders[1].web.post("/queries/new", {"action": "similar", "title": every,
                                                  "question": every})
    assert "No published response looks similar" in form.text
    assert hidden.reference not in form.text


def test_outsiders_find_the_response_by_its_own_words_under_its_own_title(hidden, outsiders):
    for outsider in outsiders:
        who, web = outsider.who, outsider.web
        body = outsider.api(RESPONSE_WORD)
        assert [(i["ref"], i["title"]) for i in body["items"]] == \
            [(hidden.reference, RESPONSE_TITLE)], who
        assert shown(str(body)) == [], who
        page = web.get("/search", query_string={"q": RESPONSE_WORD}).text
        assert "1 result" in page and RESPONSE_TITLE in page and shown(page) == [], who
    similar = outsiders[1].web.get("/search/similar", query_string={
        "title": f"Vetting recruits in {RESPONSE_WORD}", "question": "Do open hearings work?"})
    assert [i["title"] for i in similar.get_json()["items"]] == [RESPONSE_TITLE]


GROUP_WORD = "Hydrocastle"


def _group_query(asker, fac, expert, confidentiality, visibility, word):
    q = qs.submit_query(asker, {
        "title": f"Pumps {word}", "country": "SS", "confidentiality": confidentiality,
        "group": "wash", "question": "Which pumps last?",
        "themes": ["police-reform-and-community-policing"]})
    qs.assign_expert(fac, q, expert)
    qs.add_contribution(expert, q, "Advice.")
    ss.save_draft(fac, q, f"Response on {word}", "Short.", f"Body on {word}.")
    ss.publish_response(fac, q, visibility)
    return q


def test_a_group_response_is_found_in_its_group_only(clock, make_user, make_web,
                                                     group_people):
    """Through the API and the search page: a response published for the group "wash" is
    found by its member and facilitator, never by the member of another group, another
    member or an anonymous visitor; a restricted response of a group query by the group's
    facilitator alone (with staff and its own people)."""
    asker = make_user("member")
    groups.join_group(asker, groups.get_group(asker, "wash"))
    fac, expert = make_user("facilitator"), make_user("expert")
    group_q = _group_query(asker, fac, expert, "group", "group", GROUP_WORD)
    restricted_q = _group_query(asker, fac, expert, "restricted", "restricted", "Sluicegate")
    db.session.commit()
    svc.apply_outbox()
    people = {"anonymous": Outsider("anonymous", {}, make_web()),
              "member": _outsider("member", make_user("member"), make_web),
              **{who: _outsider(who, user, make_web) for who, user in group_people.items()}}
    finds = {"group_member": {GROUP_WORD}, "group_facilitator": {GROUP_WORD, "Sluicegate"}}
    for who, outsider in people.items():
        for word, q in ((GROUP_WORD, group_q), ("Sluicegate", restricted_q)):
            body = outsider.api(word)
            page = outsider.web.get("/search", query_string={"q": word}).text
            if word in finds.get(who, ()):
                assert [i["ref"] for i in body["items"]] == [q.reference], (who, word)
                assert q.reference in page, (who, word)
            else:
                assert (body["total"], body["items"]) == (0, []), (who, word)
                assert "0 results" in page and q.reference not in page, (who, word)


DOCUMENT_WORD = "Wellspringer"


def test_a_group_document_is_found_in_its_group_only_and_not_after_leaving(
        clock, make_user, make_web, group_people):
    """Through the API and the search page: a library document of the group "wash" (read by
    its group) is found by its member and facilitator, never by the member of another
    group, another member or an anonymous visitor; once the member leaves the group, their
    next search no longer finds it (principals are read from the memberships at query
    time, nothing is re-indexed)."""
    import io

    from werkzeug.datastructures import FileStorage

    from reachback.knowledge import library

    fac = make_user("facilitator")
    doc = library.add_document(fac, {
        "title": f"Latrines {DOCUMENT_WORD}", "kind": "guidance", "summary": "Short.",
        "date": "2026-01-10", "visibility": "group", "group": "wash"},
        FileStorage(io.BytesIO(b"siting latrines"), "l.txt"))
    db.session.commit()
    svc.apply_outbox()
    people = {"anonymous": Outsider("anonymous", {}, make_web()),
              "member": _outsider("member", make_user("member"), make_web),
              **{who: _outsider(who, user, make_web) for who, user in group_people.items()}}

    def finds(outsider) -> bool:
        body = outsider.api(DOCUMENT_WORD)
        page = outsider.web.get("/search", query_string={"q": DOCUMENT_WORD}).text
        library_page = outsider.web.get("/library").text
        found = [i["ref"] for i in body["items"]] == [str(doc.id)]
        link = f'href="/library/{doc.id}"'
        assert (link in page) == found == (link in library_page), outsider.who
        if not found:
            assert (body["total"], body["items"]) == (0, []), outsider.who
        return found

    assert {who for who, o in people.items() if finds(o)} == {"group_member",
                                                              "group_facilitator"}
    member = group_people["group_member"]
    wash = groups.get_group(member, "wash")
    groups.remove_member(member, wash, member.id)
    db.session.commit()
    assert not finds(people["group_member"])
    assert people["group_member"].web.get(f"/library/{doc.id}").status_code == 404


def upgrade(revision: str) -> None:
    """Run one migration's upgrade() on the test's database, as `reachback db upgrade` does."""
    path = next(VERSIONS.glob(f"{revision}_*.py"))
    spec = importlib.util.spec_from_file_location(f"migration_{revision}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with Operations.context(MigrationContext.configure(db.session.connection())):
        module.upgrade()
    db.session.commit()


def test_the_upgrade_rewrites_the_documents_an_older_version_indexed(hidden):
    """An index written before the fix (the query's text in the response's document) is
    rewritten by the upgrade: migration 0014 queues every published response."""
    leaky = replace(svc.response_to_doc(hidden.response), title=QUERY_TITLE,
                    extra=HIDDEN["context"])
    svc.get_index().apply([leaky], [])
    assert svc.search(None, HIDDEN["context"]).total == 1  # the leak, as it was
    upgrade("0014")
    assert db.session.scalars(select(SearchOutbox.key)).all() == [f"response:{hidden.reference}"]
    svc.apply_outbox()
    assert svc.search(None, HIDDEN["context"]).total == 0
    assert [i.title for i in svc.search(None, RESPONSE_WORD).items] == [RESPONSE_TITLE]
