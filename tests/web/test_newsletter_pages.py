"""The newsletter's pages: the archive and web versions (anonymous visitors read only the
fully public ones), the facilitators' drafting, editing, previews and sending with a
confirmation (twice: a clear 409), the members' choice, the library's link."""
import pytest
from sqlalchemy import func, select

from reachback.extensions import db
from reachback.newsletters import services as svc
from reachback.newsletters.models import Newsletter
from reachback.notify.models import OutboundEmail
from tests.service.test_newsletters import month  # noqa: F401 - the fixture


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def sent(month):  # noqa: F811
    """November's newsletter (members': a community response, a notice) and October's
    (public: its public events only), both sent."""
    staff = month["staff"]
    november = svc.send(staff, svc.draft(staff, "2026-11"))
    october = svc.draft(staff, "2026-10")
    svc.edit(staff, october, {"items": {i.id: {"included": i.kind == "event"}
                                        for i in october.items}})
    svc.send(staff, october)
    db.session.commit()
    return {**month, "november": november, "october": october}


def test_anonymous_visitors_read_only_the_fully_public_newsletters(client, sent):
    page = text(client.get("/newsletters"))
    assert "Reachback newsletter: October 2026" in page
    assert "November 2026" not in page
    assert client.get(f"/newsletters/{sent['october'].id}").status_code == 200
    assert client.get(f"/newsletters/{sent['november'].id}").status_code == 404
    assert "Send me the monthly newsletter" not in page


def test_visitors_are_told_members_newsletters_exist_not_that_none_was_sent(client, month):  # noqa: F811
    svc.send(month["staff"], svc.draft(month["staff"], "2026-11"))  # a members' one
    db.session.commit()
    page = text(client.get("/newsletters"))
    assert "No public newsletter yet" in page and "November 2026" not in page
    assert "has been sent yet" not in page


def test_members_read_both_and_no_community_item_is_in_the_public_version(
        signed_in, client, sent, make_user):
    member = signed_in(make_user("member"))
    page = text(member.get("/newsletters"))
    assert "November 2026" in page and "October 2026" in page
    november = text(member.get(f"/newsletters/{sent['november'].id}"))
    assert "A community response" in november and "Vacancy in Juba" in november
    assert "A restricted response" not in november
    public = text(client.get(f"/newsletters/{sent['october'].id}"))
    assert "November exchange" in public and "Vacancy" not in public
    assert member.get(f"/newsletters/{sent['november'].id}/edit").status_code == 403


def test_a_facilitator_drafts_edits_previews_and_sends_once(signed_in, month, make_user):  # noqa: F811
    fac = signed_in(month["staff"])
    member = make_user("member")
    fac.get("/newsletters/new")
    refused = fac.post("/newsletters/new", {"month": "2026-13"})
    assert refused.status_code == 422 and "YYYY-MM" in text(refused)
    response = fac.post("/newsletters/new", {"month": "2026-11"})
    assert response.status_code == 302
    newsletter = db.session.scalar(select(Newsletter).filter_by(month="2026-11"))
    assert response.headers["Location"].endswith(f"/newsletters/{newsletter.id}/edit")
    # A month that has its newsletter: refused (409 in the API), the reason shown.
    again = fac.post("/newsletters/new", {"month": "2026-11"}, follow_redirects=True)
    assert "exists already" in text(again)
    assert db.session.scalar(select(func.count()).select_from(Newsletter)) == 1
    edit = text(fac.get(f"/newsletters/{newsletter.id}/edit"))
    assert "A community response" in edit
    item = newsletter.items[0]
    form = {"title": "November news", "editorial": "Hello **all**"}
    for i in newsletter.items:
        prefix = f"items_{i.id}_"
        form.update({prefix + "title": i.title, prefix + "blurb": i.blurb,
                     prefix + "position": str(i.position)})
        if i.id != item.id:
            form[prefix + "included"] = "y"
    # A refused field: nothing saved, the error beside it.
    bad = fac.post(f"/newsletters/{newsletter.id}/edit",
                   {**form, f"items_{item.id}_title": ""})
    assert bad.status_code == 422 and "This field is required." in text(bad)
    db.session.expire_all()
    assert newsletter.title != "November news"
    assert fac.post(f"/newsletters/{newsletter.id}/edit", form).status_code == 302
    db.session.expire_all()
    assert newsletter.title == "November news" and not newsletter.items[0].included
    web = text(fac.get(f"/newsletters/{newsletter.id}"))
    assert "Draft" in web and "<strong>all</strong>" in web
    assert item.title not in web
    email = fac.get(f"/newsletters/{newsletter.id}/email")
    assert email.status_code == 200 and "[Reachback] November news" in text(email)
    assert "Hello **all**" in text(email)
    html = fac.get(f"/newsletters/{newsletter.id}/email.html")
    assert html.status_code == 200 and "<strong>all</strong>" in text(html)
    # Shown as a mail reader would: its inline styles, in a sandbox where nothing runs.
    policy = html.headers["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy and "sandbox" in policy
    assert "script-src" not in policy and "default-src 'none'" in policy
    confirm = text(fac.get(f"/newsletters/{newsletter.id}/send"))
    assert "Send it now" in confirm
    recipients = len(svc.recipients_of())  # the members it goes to, counted on the page
    assert f"goes to {recipients} member" in confirm
    assert fac.post(f"/newsletters/{newsletter.id}/send", {}).status_code == 302
    db.session.expire_all()
    assert newsletter.status == "sending"
    queued = db.session.scalar(select(func.count()).select_from(OutboundEmail).where(
        OutboundEmail.recipient == member.email))
    assert queued == 1
    again = fac.post(f"/newsletters/{newsletter.id}/send", {}, follow_redirects=True)
    assert "sent already" in text(again)
    assert db.session.scalar(select(func.count()).select_from(OutboundEmail).where(
        OutboundEmail.recipient == member.email)) == 1
    assert fac.get(f"/newsletters/{newsletter.id}/edit").status_code == 302


def test_members_cannot_draft_nor_see_drafts(signed_in, month, make_user):  # noqa: F811
    member = signed_in(make_user("member"))
    draft = svc.draft(month["staff"], "2026-11")
    db.session.commit()
    assert member.get("/newsletters/new").status_code == 403
    assert member.post("/newsletters/new", {"month": "2026-12"}).status_code == 403
    for path in ("", "/edit", "/email", "/email.html", "/send"):
        assert member.get(f"/newsletters/{draft.id}{path}").status_code == 404
    assert member.post(f"/newsletters/{draft.id}/send", {}).status_code == 404
    assert draft.title not in text(member.get("/newsletters"))


def test_a_member_chooses_not_to_receive_it(signed_in, month, make_user):  # noqa: F811
    user = make_user("member")
    member = signed_in(user)
    assert 'checked' in text(member.get("/newsletters"))
    assert member.post("/newsletters/choice", {}).status_code == 302
    assert not svc.receives(user)
    assert member.post("/newsletters/choice", {"receive": "y"}).status_code == 302
    assert svc.receives(user)


def test_the_library_shows_the_newsletters(signed_in, client, sent, make_user):
    assert "Reachback newsletter: October 2026" in text(client.get("/library"))
    assert "November 2026" not in text(client.get("/library"))
    member = signed_in(make_user("member"))
    assert "Reachback newsletter: November 2026" in text(member.get("/library"))
