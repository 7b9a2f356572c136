"""A response's annexes from the synthesis page and on the response page, and the "See also"
links a facilitator removes (issue 18: related responses and annexes)."""
import io

from sqlalchemy import func, select

from reachback.extensions import db
from reachback.files.models import Attachment
from reachback.synthesis.models import ResponseLink
from tests.service.test_library import EXE, pdf_bytes


def annexes() -> int:
    return db.session.scalar(select(func.count()).select_from(Attachment).where(
        Attachment.response_id.is_not(None)))


def login(make_web, user):
    web = make_web()
    web.sign_in(user)
    return web


def test_a_facilitator_attaches_an_annex_readers_download_it_and_others_get_404(
        make_web, make_user, make_query):
    fac, outsider, member = make_user("facilitator"), make_user(), make_user()
    query = make_query(status="synthesis", facilitator=fac)
    staff = login(make_web, fac)
    page = staff.get(f"/queries/{query.reference}/synthesis").get_data(as_text=True)
    assert 'id="annexes-h"' in page and 'enctype="multipart/form-data"' in page
    data = pdf_bytes("Budget annex")
    sent = staff.post(f"/queries/{query.reference}/annexes",
                      {"file": (io.BytesIO(data), "Budget 2026.pdf")})
    assert sent.status_code == 302
    annex = db.session.scalar(select(Attachment))
    assert (annex.response_id, annex.filename) == (query.response.id, "Budget 2026.pdf")
    assert "Budget 2026.pdf" in staff.get(f"/queries/{query.reference}/synthesis").get_data(
        as_text=True)
    # A draft's annex: its writers only (the requester sees the query, not the draft).
    requester = login(make_web, query.requester)
    assert requester.get(f"/attachments/{annex.id}").status_code == 404
    with staff.client.get(f"/attachments/{annex.id}") as got:
        assert got.status_code == 200 and got.data == data

    assert staff.post(f"/queries/{query.reference}/publish",
                      {"visibility": "restricted"}).status_code == 302
    html = requester.get(f"/kb/{query.reference}").get_data(as_text=True)
    section = html[html.index('id="annexes-h"'):]
    assert f'href="/attachments/{annex.id}"' in section[:section.index("</section>")]
    with requester.client.get(f"/attachments/{annex.id}") as got:
        assert got.status_code == 200 and got.data == data
    # Restricted: a member who may not read the response learns nothing of its annex.
    assert login(make_web, outsider).get(f"/attachments/{annex.id}").status_code == 404
    # Once the response is readable by members, so is its annex.
    query.response.visibility = "community"
    db.session.commit()
    with login(make_web, member).client.get(f"/attachments/{annex.id}") as got:
        assert got.status_code == 200


def test_a_refused_file_is_named_and_nothing_is_attached(make_web, make_user, make_query):
    fac = make_user("facilitator")
    query = make_query(status="synthesis", facilitator=fac)
    staff = login(make_web, fac)
    staff.get(f"/queries/{query.reference}/synthesis")
    refused = staff.post(f"/queries/{query.reference}/annexes",
                         {"file": (io.BytesIO(EXE), "report.pdf")})
    assert refused.status_code == 422
    assert "not a real PDF file" in refused.get_data(as_text=True)
    empty = staff.post(f"/queries/{query.reference}/annexes", {})
    assert empty.status_code == 422 and "Choose a file to attach." in empty.get_data(
        as_text=True)
    assert annexes() == 0


def test_only_facilitators_attach_or_remove_annexes(make_web, make_user, make_query):
    fac = make_user("facilitator")
    query = make_query(status="published", facilitator=fac, visibility="community")
    staff, requester = login(make_web, fac), login(make_web, query.requester)
    requester.get(f"/queries/{query.reference}")
    assert requester.post(f"/queries/{query.reference}/annexes",
                          {"file": (io.BytesIO(b"notes"), "notes.txt")}).status_code == 403
    staff.get(f"/queries/{query.reference}/synthesis")
    assert staff.post(f"/queries/{query.reference}/annexes",
                      {"file": (io.BytesIO(b"notes"), "notes.txt")}).status_code == 302
    annex = db.session.scalar(select(Attachment))
    url = f"/queries/{query.reference}/annexes/{annex.id}/remove"
    assert requester.post(url).status_code == 403
    assert annexes() == 1
    assert staff.post(url).status_code == 302
    assert annexes() == 0
    assert staff.post(url).status_code == 404


def test_an_annex_belongs_to_exactly_one_owner(make_user, make_query):
    """The check constraint counts the response among the owners (migration 0028)."""
    import pytest
    from sqlalchemy.exc import IntegrityError

    fac = make_user("facilitator")
    query = make_query(status="published", facilitator=fac)
    both = Attachment(sha256="a" * 64, size=1, content_type="text/plain", filename="x.txt",
                      uploaded_by_id=fac.id, query_id=query.id, response_id=query.response.id)
    db.session.add(both)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_facilitator_removes_a_see_also_link_and_a_reader_may_not(
        make_web, make_user, make_query):
    fac, member = make_user("facilitator"), make_user()
    main = make_query(status="published", facilitator=fac, title="Vetting after a ceasefire")
    other = make_query(status="published", facilitator=fac, title="Budgeting for courts")
    staff, reader = login(make_web, fac), login(make_web, member)
    assert staff.post(f"/kb/{main.reference}/see-also",
                      {"other": other.reference}).status_code == 302
    page = staff.get(f"/kb/{main.reference}").get_data(as_text=True)
    url = f"/kb/{main.reference}/see-also/{other.reference}/remove"
    assert f'action="{url}"' in page
    reader.get(f"/kb/{main.reference}")
    assert reader.post(url).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(ResponseLink)) == 1
    assert staff.post(url).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ResponseLink)) == 0
    assert staff.post(url).status_code == 404
