"""Length caps in the services: every caller (pages, API, CLI) meets the same rule, and text
over its cap is refused rather than cut short."""
from datetime import date

from reachback import lengths
from reachback.accounts import services as accounts
from reachback.errors import Invalid
from reachback.extensions import db
from reachback.knowledge import library
from reachback.sla import services as sla
from tests.api.test_input_limits import over
from tests.service.test_library import doc_data, upload


def test_the_services_refuse_text_over_its_cap_instead_of_cutting_it(make_user, clock):
    """Names, labels and notes that were cut short silently, or not checked at all."""
    admin, fac = make_user("admin"), make_user("facilitator")
    member = make_user("member")
    cal = sla.create_calendar(admin, "Field office", "Africa/Juba", [0, 1, 2], "09:00-17:00")
    db.session.commit()
    calls = {
        "token name": lambda text: accounts.create_token(member, text),
        "user name": lambda text: accounts.update_profile(admin, member, name=text),
        "organisation": lambda text: accounts.update_profile(admin, member, organisation=text),
        "languages": lambda text: accounts.update_profile(admin, member, languages=text),
        "holiday": lambda text: sla.add_holiday(admin, cal, date(2026, 12, 25), text),
        "document summary": lambda text: library.add_document(
            fac, doc_data(summary=text), upload(b"Guidance", "d.txt")),
    }
    caps = {"token name": lengths.LABEL, "user name": lengths.NAME,
            "organisation": lengths.NAME, "languages": lengths.LABEL,
            "holiday": lengths.NAME, "document summary": lengths.SUMMARY}
    refused = {}
    for name, call in calls.items():
        try:
            call(over(caps[name]))
        except Invalid as e:
            refused[name] = f"At most {caps[name]:,} characters" in " ".join(e.fields.values())
        db.session.rollback()
    assert refused == {name: True for name in calls}


def test_a_line_break_counts_once_as_in_the_browser():
    assert lengths.too_long("a\r\nb", 3) is None
    assert lengths.too_long("a\r\nbc", 3) == "At most 3 characters (this has 4)."


