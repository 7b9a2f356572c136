"""The whole journey in the real UI, four people in four browser contexts: once with
JavaScript at desktop width, in French, every page weighed and checked with axe-core (which
needs JavaScript to run its checks); once without JavaScript on a 360 px screen, in Spanish,
every page checked for sideways scrolling and for its language, landmarks, skip link and
labels. (The page tests and the rest of the suite walk the English pages.)

Each journey is one test, so that pytest-xdist can never split it and walk it twice; its
checks are gathered and reported together."""
import sys
import uuid

import pytest
from sqlalchemy import func, select

from reachback.extensions import db
from reachback.notify.models import Notification
from reachback.queries.models import Contribution, FieldQuery
from tests.browser.checks import BUDGET, NARROW, AxeCheck, BasicsCheck, WeightMeter, WidthCheck
from tests.browser.journey import Journey

pytestmark = pytest.mark.browser


def run_journey(browser, base_url, make_account, observers, attach=(), language="en",
                **options) -> Journey:
    # Each person chose the language on their profile; their browser asks for it too.
    expertise = {"themes": ["vetting", "police-reform-and-community-policing"],
                 "countries": ["SS"], "language": language}
    accounts = {"member": make_account("member", language=language),
                "facilitator": make_account("facilitator", language=language),
                "expert_a": make_account("expert", **expertise),
                "expert_b": make_account("expert", **expertise)}
    j = Journey(browser, base_url, accounts, uuid.uuid4().hex[:8], observers=observers,
                language=language, **options).open()
    try:
        for meter in attach:
            for person in j.people.values():
                meter.attach(person.page)
        return j.run()
    finally:
        j.close()


def test_whole_journey_in_french_with_javascript_every_page_light_and_passing_axe(
        browser, base_url, make_account, live_app, capsys):
    meter, axe = WeightMeter(), AxeCheck()
    j = run_journey(browser, base_url, make_account, [meter, axe], attach=[meter],
                    language="fr")
    with capsys.disabled():  # stderr: shown by pytest-xdist's workers too
        sys.stderr.write("\n\nPage weight of every page of the journey, cold cache, bytes on "
                         "the wire:\n" + meter.table() + "\n")
    assert_published(live_app, j)
    assert len(meter.weights) == len(j.landings) >= 40
    assert {landing.name for landing in j.landings} == {name for _, name in axe.checked}
    assert {role for role, _ in axe.checked} == {"anonymous", "member", "facilitator", "expert"}
    problems = [f"over {BUDGET} bytes: {w.person} / {w.name}: {w.total}"
                for w in meter.weights if w.total > BUDGET]
    problems += [f"not compressed: {w.name}: {url}" for w in meter.weights for url in w.uncompressed]
    # Every page loaded the one stylesheet (the weights are first visits), and no web font
    # or image: system fonts and CSS only.
    problems += [f"assets of {w.name}: {w.kinds}" for w in meter.weights
                 if w.kinds.count("link") != 1 or not set(w.kinds) <= {"navigation", "link",
                                                                       "script"}]
    problems += [f"axe: {p} / {n}: [{rule}] {text}" for p, n, rule, text in axe.violations]
    assert problems == [], "\n".join(problems)


def test_whole_journey_in_spanish_without_javascript_on_a_360px_screen_every_page_labelled(
        browser, base_url, make_account, live_app):
    width, basics = WidthCheck(), BasicsCheck()
    j = run_journey(browser, base_url, make_account, [width, basics], javascript=False,
                    viewport={"width": NARROW, "height": 740}, language="es")
    assert_published(live_app, j)
    assert len(width.widths) == len(j.landings) >= 40
    problems = [f"wider than {NARROW} px: {p} / {n}: {w}" for p, n, w in width.too_wide]
    problems += [f"{p} / {n}: {problem}" for p, n, problem in basics.problems]
    assert problems == [], "\n".join(problems)


def assert_published(app, j):
    with app.app_context():
        q = db.session.scalar(select(FieldQuery).filter_by(reference=j.ref))
        assert q.status == "published"
        assert q.title == j.title
        assert q.requester_id == j.accounts["member"].id
        assert q.confidentiality == "community" and q.priority == "high"
        assert {a.expert_id: a.status for a in q.assignments} == {
            j.accounts["expert_a"].id: "answered", j.accounts["expert_b"].id: "answered"}
        assert db.session.scalar(select(func.count(Contribution.id)).filter_by(
            query_id=q.id)) == 2
        r = q.response
        assert (r.title, r.visibility, r.revision) == (j.response_title, "community", 2)
        texts = db.session.scalars(select(Notification.text).filter_by(
            user_id=j.accounts["member"].id)).all()
        assert j.t("The response to %(ref)s is published", ref=j.ref) in texts
