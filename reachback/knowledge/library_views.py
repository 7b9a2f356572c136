"""Library pages: the list of documents, a document, adding and editing one (staff), and the
one download route of every attachment (queries, messages, contributions, documents).

Every handler loads through a service (404 when invisible), calls one service, commits once
and redirects; a refused form is shown again, each error beside its field.
"""
from flask import (
    Blueprint,
    current_app,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user

from .. import permissions as perm
from ..errors import NotFound
from ..web import page_arg, submit
from . import library
from .forms import KIND_LABELS, DocumentForm, LibraryFilterForm

bp = Blueprint("library", __name__)
PER_PAGE = 20
NO_TEXT = ("The text of the file could not be read, so search will not find the document by "
           "its content (its title and summary are searchable).")


@bp.app_context_processor
def _upload_limit():
    """`upload_limit()` in every template: the size limit shown beside file inputs."""
    return {"upload_limit": library.upload_limit_text}


@bp.route("/library")
def index():
    form = LibraryFilterForm(formdata=request.args)
    form.set_years(library.document_years(current_user))
    filters = form.filters()
    pager = library.list_documents(current_user, filters, page_arg(), PER_PAGE)
    return render_template("knowledge/library.html", form=form, pager=pager, args=filters,
                           kinds=KIND_LABELS)


@bp.route("/library/<int:doc_id>")
def document(doc_id):
    doc = library.get_document(current_user, doc_id)
    return render_template("knowledge/document.html", doc=doc, kinds=KIND_LABELS)


@bp.route("/library/new", methods=["GET", "POST"])
def new_document():
    perm.require(perm.can_manage_documents(current_user), "Only facilitators add documents.")
    form = DocumentForm.blank()
    if form.is_submitted():
        done = submit(form, lambda: library.add_document(current_user, form.to_data(),
                                                         form.file.data),
                      _saved("“{title}” is added to the library."), _document_url)
        if done is not None:
            return done
    return render_template("knowledge/document_form.html", form=form, doc=None)


@bp.route("/library/<int:doc_id>/edit", methods=["GET", "POST"])
def edit_document(doc_id):
    doc = library.get_document(current_user, doc_id)
    perm.require(perm.can_manage_documents(current_user), "Only facilitators edit documents.")
    form = DocumentForm.for_document(doc)
    if form.is_submitted():
        done = submit(form, lambda: library.update_document(current_user, doc, form.to_data(),
                                                            form.file.data),
                      _saved("“{title}” is updated."), _document_url)
        if done is not None:
            return done
    return render_template("knowledge/document_form.html", form=form, doc=doc)


def _saved(message: str):
    """The news of a saved document (`message`, its title filled in), and a warning when
    its file's text could not be read."""
    return lambda doc: [(message.format(title=doc.title), "success"),
                        *([] if doc.text else [(NO_TEXT, "warning")])]


def _document_url(doc) -> str:
    return url_for("library.document", doc_id=doc.id)


@bp.route("/attachments/<int:attachment_id>")
def download(attachment_id):
    """Always a download (never shown in the page), with the type its content was checked
    to be; the name on disk is the content's hash."""
    a = library.get_attachment(current_user, attachment_id)
    path = library.blob_path(a.sha256)
    if not path.is_file():
        current_app.logger.error("attachment %s: file %s is missing", a.id, a.sha256)
        raise NotFound("The file is missing.")
    response = send_file(path, mimetype=a.content_type, as_attachment=True,
                         download_name=a.filename, etag=a.sha256, max_age=0)
    response.headers["Content-Type"] = library.download_type(a)
    response.headers["Content-Disposition"] = library.content_disposition(a.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
