"""Library pages: the list of documents, a document, adding and editing one (staff), and the
one download route of every attachment (queries, messages, contributions, documents; its
view is reachback.files.views.download).

Every handler loads through a service (404 when invisible), calls one service, commits once
and redirects; a refused form is shown again, each error beside its field.
"""
from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions as perm
from ..files.views import download
from ..newsletters.services import recent as recent_newsletters
from ..web import page_arg, submitted
from . import library
from .forms import KIND_LABELS, DocumentForm, LibraryFilterForm

bp = Blueprint("library", __name__)
PER_PAGE = 20


@bp.route("/library")
def index():
    form = LibraryFilterForm(formdata=request.args)
    form.set_years(library.document_years(current_user))
    filters = form.filters()
    if request.args.get("group"):  # the "more" link of a group's page
        filters["group"] = request.args["group"]
    pager = library.list_documents(current_user, filters, page_arg(), PER_PAGE)
    return render_template("knowledge/library.html", form=form, pager=pager, args=filters,
                           kinds=KIND_LABELS, newsletters=recent_newsletters(current_user))


@bp.route("/library/<int:doc_id>")
def document(doc_id):
    doc = library.get_document(current_user, doc_id)
    return render_template("knowledge/document.html", doc=doc, kinds=KIND_LABELS)


@bp.route("/library/new", methods=["GET", "POST"])
def new_document():
    perm.require(perm.can_manage_documents(current_user), _("Only facilitators add documents."))
    form = DocumentForm.blank(groups=library.usable_groups(current_user))
    return (submitted(form, lambda: library.add_document(current_user, form.to_data(),
                                                         form.file.data),
                      _news(_added), _document_url, validate=False)
            or render_template("knowledge/document_form.html", form=form, doc=None))


@bp.route("/library/<int:doc_id>/edit", methods=["GET", "POST"])
def edit_document(doc_id):
    doc = library.get_document(current_user, doc_id)
    perm.require(perm.can_manage_documents(current_user), _("Only facilitators edit documents."))
    form = DocumentForm.for_document(doc, groups=library.usable_groups(current_user))
    return (submitted(form, lambda: library.update_document(current_user, doc, form.to_data(),
                                                            form.file.data),
                      _news(_updated), _document_url, validate=False)
            or render_template("knowledge/document_form.html", form=form, doc=doc))


def _added(doc) -> str:
    return _("“%(title)s” is added to the library.", title=doc.title)


def _updated(doc) -> str:
    return _("“%(title)s” is updated.", title=doc.title)


def _news(message):
    """The news of a saved document (`message(doc)`), and a warning when its file's text
    could not be read."""
    return lambda doc: [(message(doc), "success"), *([] if doc.text else [(_(
        "The text of the file could not be read, so search will not find the document by its "
        "content (its title and summary are searchable)."), "warning")])]


def _document_url(doc) -> str:
    return url_for("library.document", doc_id=doc.id)


# Every attachment's download, kept under its endpoint name library.download.
bp.add_url_rule("/attachments/<int:attachment_id>", view_func=download)
