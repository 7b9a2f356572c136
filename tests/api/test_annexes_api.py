"""A response's annexes and "See also" links through the API (issue 18: related responses and
annexes): who may add and remove them, what the response object shows each reader."""
import io

from sqlalchemy import func, select

from reachback.extensions import db
from reachback.files.models import Attachment
from reachback.knowledge import search
from tests.api.conftest import error_code
from tests.service.test_library import EXE, pdf_bytes


def annexes_url(query) -> str:
    return f"/api/v1/queries/{query.reference}/response/annexes"


def attach(api, user, query, data=b"Annex text", name="annex.txt"):
    return api.post(annexes_url(query), user, data={"file": (io.BytesIO(data), name)})


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(Attachment))


def test_a_facilitator_attaches_an_annex_the_response_lists_it(api, make_user, make_query):
    fac = make_user("facilitator")
    query = make_query(status="published", facilitator=fac, visibility="community")
    data = pdf_bytes("Annex")
    sent = attach(api, fac, query, data, "Annex A.pdf")
    assert sent.status_code == 201
    body = sent.get_json()
    assert set(body) == {"id", "name", "size", "url"}
    assert (body["name"], body["size"], body["url"]) == (
        "Annex A.pdf", len(data), f"/attachments/{body['id']}")
    reader = make_user()
    shown = api.get(f"/api/v1/responses/{query.reference}", reader).get_json()
    assert shown["annexes"] == [body]


def test_annex_refusals(api, make_user, make_query):
    fac, stranger = make_user("facilitator"), make_user()
    query = make_query(status="published", facilitator=fac, visibility="restricted")
    assert attach(api, query.requester, query).status_code == 403
    assert attach(api, stranger, query).status_code == 404
    assert error_code(api.post(annexes_url(query), fac, data={})) == "invalid"
    refused = attach(api, fac, query, EXE, "tool.pdf")
    assert refused.status_code == 422 and "file" in refused.get_json()["error"]["fields"]
    no_draft = make_query(status="routed", facilitator=fac)
    assert attach(api, fac, no_draft).status_code == 409
    assert stored() == 0


def test_an_annex_is_removed_by_a_facilitator_only(api, make_user, make_query):
    fac = make_user("facilitator")
    query = make_query(status="synthesis", facilitator=fac)
    annex_id = attach(api, fac, query).get_json()["id"]
    other = make_query(status="synthesis", facilitator=fac)
    url = f"{annexes_url(query)}/{annex_id}"
    assert api.call("DELETE", url, query.requester).status_code == 403
    # The id of another response's annex is no annex of this one.
    assert api.call("DELETE", f"{annexes_url(other)}/{annex_id}", fac).status_code == 404
    assert stored() == 1
    removed = api.call("DELETE", url, fac)
    assert removed.status_code == 200 and removed.get_json()["annexes"] == []
    assert stored() == 0
    assert api.call("DELETE", url, fac).status_code == 404


def test_see_also_links_are_added_shown_to_those_who_may_read_them_and_removed(
        api, make_user, make_query):
    fac, member = make_user("facilitator"), make_user()
    main = make_query(status="published", facilitator=fac, title="Vetting after a ceasefire")
    open_one = make_query(status="published", facilitator=fac, title="Budgeting for courts")
    closed = make_query(status="published", facilitator=fac, visibility="restricted",
                        title="Prison reform in Mali")
    search.apply_outbox()
    url = f"/api/v1/responses/{main.reference}/links"
    assert api.post(url, member, json={"ref": open_one.reference}).status_code == 403
    unknown = api.post(url, fac, json={"ref": "RB-1999-0001"})
    assert unknown.status_code == 422 and "ref" in unknown.get_json()["error"]["fields"]
    assert error_code(api.post(url, fac, json={})) == "invalid"
    assert api.post(url, fac, json={"ref": main.reference}).status_code == 422
    first = api.post(url, fac, json={"ref": closed.reference})
    assert first.status_code == 201
    assert api.post(url, fac, json={"ref": open_one.reference}).status_code == 201
    assert api.post(url, fac, json={"ref": open_one.reference}).status_code == 200
    staff_view = first.get_json()["see_also"][0]
    assert staff_view == {"reference": closed.reference, "title": "Prison reform in Mali",
                          "url": f"/api/v1/responses/{closed.reference}"}
    seen = api.get(f"/api/v1/responses/{main.reference}", member).get_json()["see_also"]
    refs = [item["reference"] for item in seen]
    assert refs[0] == open_one.reference and closed.reference not in refs
    assert main.reference not in refs and len(refs) <= 5
    gone = f"{url}/{open_one.reference}"
    assert api.call("DELETE", gone, member).status_code == 403
    removed = api.call("DELETE", gone, fac)
    assert removed.status_code == 200
    assert [i["reference"] for i in removed.get_json()["see_also"]][:1] == [closed.reference]
    assert api.call("DELETE", gone, fac).status_code == 404
