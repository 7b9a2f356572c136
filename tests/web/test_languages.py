"""Which language a page is served in: the member's choice, else the browser's, else the
default; the switcher works without JavaScript; dates follow the language."""
import re

from reachback.extensions import db
from tests.helpers import WebClient


def html_lang(page) -> str:
    return re.search(r'<html lang="([^"]+)"', page.get_data(as_text=True)).group(1)


def test_the_browser_language_is_served_to_a_visitor(web):
    assert html_lang(web.get("/kb", headers={"Accept-Language": "fr-FR,fr;q=0.9"})) == "fr"
    assert html_lang(web.get("/kb", headers={"Accept-Language": "es;q=0.8, de"})) == "es"


def test_the_default_language_without_a_match(app, web):
    assert html_lang(web.get("/kb", headers={"Accept-Language": "de, ja"})) == "en"
    assert html_lang(web.get("/kb")) == "en"


def test_the_default_language_is_a_setting(app):
    from tests.conftest import another_app

    with another_app(app, DEFAULT_LANGUAGE="es") as other:
        page = WebClient(other.test_client()).get("/kb", headers={"Accept-Language": "de"})
        assert html_lang(page) == "es"


def test_a_members_choice_beats_the_browser(app, make_user, signed_in):
    member = make_user(language="es")
    db.session.commit()
    web = signed_in(member)
    assert html_lang(web.get("/queries/mine", headers={"Accept-Language": "fr"})) == "es"


def test_a_member_without_a_choice_follows_the_browser(make_user, signed_in):
    web = signed_in(make_user())
    assert html_lang(web.get("/queries/mine", headers={"Accept-Language": "fr"})) == "fr"


def test_the_switcher_works_without_javascript_for_a_visitor(web):
    page = web.get("/kb?page=1")
    body = page.get_data(as_text=True)
    assert 'action="/language"' in body and 'name="language" value="fr"' in body
    answer = web.post("/language", data={"language": "fr", "next": "/kb?page=1"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/kb?page=1")
    assert html_lang(web.get("/kb", headers={"Accept-Language": "es"})) == "fr"


def test_the_switcher_saves_a_members_choice(make_user, signed_in):
    member = make_user()
    web = signed_in(member)
    web.post("/language", data={"language": "es", "next": "/queries/mine"})
    db.session.refresh(member)
    assert member.language == "es"


def test_the_switcher_refuses_what_it_does_not_speak_and_foreign_targets(web):
    answer = web.post("/language", data={"language": "xx", "next": "https://evil.example/"})
    assert answer.status_code == 302 and "evil.example" not in answer.headers["Location"]
    assert html_lang(web.get("/kb")) == "en"
    assert web.post("/language", data={"language": "fr"}, csrf=False).status_code == 400


def test_the_profile_sets_and_clears_the_language(app, make_user, signed_in):
    member = make_user()
    web = signed_in(member)
    form = {"name": member.name, "timezone": "Africa/Juba", "language": "fr"}
    assert web.post("/profile", data=form).status_code == 302
    page = web.get("/profile").get_data(as_text=True)  # the zone chosen, among them all
    assert '<option selected value="Africa/Juba">Africa/Juba</option>' in page
    assert page.count("<option selected") == 2 and 'value="Europe/Paris">' in page
    db.session.refresh(member)
    assert member.language == "fr"
    web.post("/profile", data={**form, "language": ""})
    db.session.refresh(member)
    assert member.language is None
    assert web.post("/profile", data={**form, "language": "xx"}).status_code == 422


def test_dates_follow_the_language(app):
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from flask_babel import force_locale

    from reachback.i18n import local_date, local_time

    moment = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    with app.test_request_context():
        assert local_time(moment, ZoneInfo("Europe/Paris")) == "07 Dec 2026, 10:30 CET"
        with force_locale("fr"):
            assert local_time(moment, ZoneInfo("UTC")) == "07 déc. 2026, 09:30 UTC"
        with force_locale("es"):
            assert local_date(moment, ZoneInfo("UTC")) == "07 dic 2026"


def test_times_are_written_as_babel_writes_them(app):
    """local_time writes "dd MMM y, HH:mm" itself (a list page shows a hundred times):
    every month, in every language, as Babel's format_datetime would."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from babel.dates import format_datetime
    from flask_babel import force_locale

    from reachback.i18n import local_time

    zone = ZoneInfo("Europe/Paris")
    with app.test_request_context():
        for language in ("en", "fr", "es"):
            with force_locale(language):
                for month in range(1, 13):
                    moment = datetime(2026, month, 1, 23, 5, tzinfo=UTC)
                    local = moment.astimezone(zone)
                    assert local_time(moment, zone) == (
                        f"{format_datetime(local, 'dd MMM y, HH:mm', locale=language)} "
                        f"{local.strftime('%Z')}")


def test_the_theme_and_place_choices_are_named_in_the_reader_s_language(app):
    """theme_choices names every theme as theme_name does (one catalogue lookup for all),
    each parent first in its group; place_choices groups the regions and the countries."""
    from flask_babel import force_locale
    from sqlalchemy import select

    from reachback.accounts.models import Theme
    from reachback.forms import place_choices, theme_choices
    from reachback.i18n import theme_name

    with app.test_request_context(), force_locale("fr"):
        themes = {t.slug: t for t in db.session.scalars(select(Theme))}
        choices = theme_choices("Tous")
        assert choices[0].value == "" and len(choices) == len(themes) + 1
        for choice in choices[1:]:
            theme = themes[choice.value]
            parent = theme.parent or theme
            assert choice.optgroup == theme_name(parent)
            assert choice.label == (f"{theme_name(theme)} (tout)" if theme.parent is None
                                    else theme_name(theme))
        assert any(c.label != themes[c.value].name for c in choices[1:])  # translated
        places = place_choices()
        groups = [c.optgroup for c in places]
        assert groups[0] == "Le monde et les régions" and groups[-1] == "Pays"
        assert {c.label for c in places if c.value == "FR"} == {"France"}
