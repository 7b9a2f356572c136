"""Library pages: the list of documents, a document, adding and editing one (staff), and the
one download route of every attachment (queries, messages, contributions, documents; its
view is reachback.files.views.download).

Every handler loads through a service (404 when invisible), calls one service, commits once
and redirects; a refused form is shown again, each error beside its field.
"""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import permissions as perm
from ..errors import Invalid
from ..extensions import db
from ..files.views import download
from ..web import apply_errors, page_arg
from . import library
from .forms import KIND_LABELS, DocumentForm, LibraryFilterForm

bp = Blueprint("library", __name__)
PER_PAGE = 20
NO_TEXT = ("The text of the file could not be read, so search will not find the document by "
           "its content (its title and summary are searchable).")


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
        try:
            doc = library.add_document(current_user, form.to_data(), form.file.data)
        except Invalid as e:
            db.session.rollback()
            apply_errors(form, e)
        else:
            return _saved(doc, f"“{doc.title}” is added to the library.")
    return render_template("knowledge/document_form.html", form=form, doc=None)


@bp.route("/library/<int:doc_id>/edit", methods=["GET", "POST"])
def edit_document(doc_id):
    doc = library.get_document(current_user, doc_id)
    perm.require(perm.can_manage_documents(current_user), "Only facilitators edit documents.")
    form = DocumentForm.for_document(doc)
    if form.is_submitted():
        try:
            library.update_document(current_user, doc, form.to_data(), form.file.data)
        except Invalid as e:
            db.session.rollback()
            apply_errors(form, e)
        else:
            return _saved(doc, f"“{doc.title}” is updated.")
    return render_template("knowledge/document_form.html", form=form, doc=doc)


def _saved(doc, message: str):
    readable = bool(doc.text)
    db.session.commit()
    flash(message, "success")
    if not readable:
        flash(NO_TEXT, "warning")
    return redirect(url_for("library.document", doc_id=doc.id))


# Every attachment's download, kept under its endpoint name library.download.
bp.add_url_rule("/attachments/<int:attachment_id>", view_func=download)
