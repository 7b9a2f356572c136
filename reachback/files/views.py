"""The one download route of every attachment (queries, messages, contributions, documents).

It is registered on the library blueprint (knowledge/library_views.py), under the endpoint
name `library.download` that templates and the public endpoints know it by.
"""
from flask import current_app, send_file
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import NotFound
from . import services as files


def init_files(app) -> None:
    """`upload_limit()` in every template: the size limit shown beside file inputs."""
    app.context_processor(_upload_limit)


def _upload_limit():
    return {"upload_limit": files.upload_limit_text}


def download(attachment_id):
    """Always a download (never shown in the page), with the type its content was checked
    to be; the name on disk is the content's hash."""
    a = files.get_attachment(current_user, attachment_id)
    path = files.blob_path(a.sha256)
    if not path.is_file():
        current_app.logger.error("attachment %s: file %s is missing", a.id, a.sha256)
        raise NotFound(_("The file is missing."))
    response = send_file(path, mimetype=a.content_type, as_attachment=True,
                         download_name=a.filename, etag=a.sha256, max_age=0)
    response.headers["Content-Type"] = files.download_type(a)
    response.headers["Content-Disposition"] = files.content_disposition(a.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
