"""The accounts and admin pages, and their messages, in French and Spanish (issue 16): the
request's language (the member's choice, else the browser's) decides, English stays the
source."""
import pytest
from flask_babel import force_locale

from reachback.extensions import db

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}
SPANISH = {"Accept-Language": "es"}


def main(html: str) -> str:
    """The page's own content (the header and footer around it are not this area's)."""
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def test_the_sign_in_page_in_french(web):
    html = web.get("/login", headers=FRENCH).get_data(as_text=True)
    assert '<html lang="fr"' in html
    assert "<h1>Se connecter</h1>" in html
    assert ">Mot de passe" in html and ">E-mail" in html  # the form's labels
    assert "Mot de passe oublié ?" in html
    assert '">base de connaissances</a>.' in html  # a sentence with a link inside
    assert "Sign in" not in main(html) and "Password" not in main(html)


def test_the_built_in_validator_messages_in_french(web):
    web.get("/login", headers=FRENCH)
    page = web.post("/login", {"email": "", "password": ""}, headers=FRENCH)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Ce champ est requis." in html  # WTForms' own catalogue
    assert "This field is required." not in html


def test_a_wrong_password_in_spanish(web, make_user):
    member = make_user()
    web.get("/login", headers=SPANISH)
    page = web.post("/login", {"email": member.email, "password": "not the right one"},
                    headers=SPANISH)
    html = page.get_data(as_text=True)
    assert "La dirección de correo electrónico o la contraseña no son correctas." in html
    assert "is not right" not in html


def test_a_password_refused_by_the_rules_in_the_members_language(make_user, signed_in):
    from tests.helpers import PASSWORD

    member = make_user(language="es")
    db.session.commit()
    web = signed_in(member)
    page = web.post("/profile/security", {"action": "password", "current_password": PASSWORD,
                                          "new_password": "short", "confirm": "short"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Nueva contraseña: Use al menos 12 caracteres." in main(html)  # the service's rule


def test_the_admin_users_page_in_french(make_user, signed_in):
    admin = make_user("admin", language="fr")
    db.session.commit()
    html = signed_in(admin).get("/admin/users").get_data(as_text=True)
    assert "<h1>Utilisateurs</h1>" in html
    assert "administrateur, membre" in html  # the roles, in French, sorted by code
    assert ">Tous les rôles</option>" in html and ">Journal d'audit</a>" in html


def test_the_english_pages_keep_their_text(make_user, signed_in):
    html = signed_in(make_user("admin")).get("/admin/users").get_data(as_text=True)
    assert "<h1>Users</h1>" in html and "admin, member" in html


@pytest.mark.parametrize(("code", "seconds", "spoken"), [
    ("en", 2, "2 seconds"), ("en", 90, "90 seconds"), ("en", 150, "3 minutes"),
    ("fr", 90, "90\u00a0secondes"), ("fr", 900, "15 minutes"), ("es", 1, "1 segundo"),
])
def test_the_wait_after_failed_sign_ins_is_spoken_in_the_language(app, code, seconds, spoken):
    from reachback.accounts.lockout import spoken_wait

    with app.test_request_context(), force_locale(code):
        assert spoken_wait(seconds) == spoken


def test_failed_sign_in_notices_are_in_each_readers_language(app, make_web, make_user):
    """Written in the owner's and each admin's language (the default one without a choice),
    never in the language of the failing requests (Spanish here)."""
    from sqlalchemy import select

    from reachback.notify.models import Notification

    app.config.update(RATELIMIT_SIGN_IN="1000 per minute")
    admin, owner = make_user("admin", language="es"), make_user(language="fr")
    english_admin = make_user("admin")
    db.session.commit()
    for n in range(5):
        web = make_web()
        web.get("/login")
        web.post("/login", {"email": owner.email, "password": "wrong guess"},
                 headers=SPANISH, environ_base={"REMOTE_ADDR": f"203.0.113.{n}"})

    def notice(user):
        return db.session.scalar(select(Notification.text).where(Notification.user_id == user.id))

    assert notice(owner).startswith("5 tentatives de connexion à votre compte ont échoué")
    assert notice(admin).startswith(f"5 intentos fallidos de iniciar sesión en la cuenta de "
                                    f"{owner.email}")
    assert notice(english_admin).startswith(f"5 failed attempts to sign in to the account of "
                                            f"{owner.email}")
