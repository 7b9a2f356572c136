"""Translations of a published response: a facilitator adds a version in another language,
read by exactly the readers of the original and found by search in its own words."""
from flask_babel import gettext as _
from sqlalchemy import select

from .. import permissions as perm
from ..errors import NotFound
from ..extensions import db
from ..i18n import NOT_A_LANGUAGE, is_content_language
from ..knowledge import search
from ..knowledge.services import get_published_response
from ..queries.states import record
from .models import ResponseTranslation
from .services import check_texts


def get_translation(user, reference: str, language: str) -> ResponseTranslation:
    """The translation into `language` of a published response the user may read; NotFound
    otherwise (the original's rule: permissions.can_view_response)."""
    response = get_published_response(user, reference)
    translation = db.session.scalar(select(ResponseTranslation).where(
        ResponseTranslation.response_id == response.id,
        ResponseTranslation.language == language))
    if translation is None:
        raise NotFound(_("No such translation."))
    return translation


def save_translation(user, reference: str, language: str, title: str, summary: str,
                     body: str) -> tuple[ResponseTranslation, bool]:
    """Add or replace the translation into `language` of a published response; returns it
    and whether it is new. NotFound for a response the user may not read (or not
    published), Forbidden for one they may read but not translate, Invalid."""
    response = get_published_response(user, reference)
    perm.require(perm.can_translate(user, response), _("Only facilitators translate responses."))
    errors = {}
    if not is_content_language(language):
        errors["language"] = NOT_A_LANGUAGE
    elif language == response.language:
        errors["language"] = _("The response is written in this language already.")
    title = check_texts(errors, title, summary, body)
    translation = next((t for t in response.translations if t.language == language), None)
    created = translation is None
    if created:
        translation = ResponseTranslation(response=response, language=language)
        db.session.add(translation)
    translation.title, translation.summary = title, (summary or "").strip()
    translation.body, translation.translator_id = body.strip(), user.id
    db.session.flush()
    record(response.query, user, "translation_saved", language=language, created=created)
    search.translation_changed(translation)
    return translation, created

