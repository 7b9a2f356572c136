"""Pages of the monthly newsletter: the archive (sent newsletters the reader may read), a
newsletter's web version, and the facilitators' pages: open one for a month, edit it,
preview its e-mail, send it (after a confirmation).

Every handler loads through a service (404 when invisible), calls one service, commits once
and redirects; a refused form is shown again, each error beside its field.
"""
from flask import Blueprint, Response, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import permissions as perm
from ..errors import Invalid
from ..web import submit, submitted
from . import services
from .forms import ChoiceForm, ConfirmForm, NewForm, edit_data, edit_form
from .services import ITEM_KIND_LABELS

bp = Blueprint("newsletters", __name__)


@bp.route("/newsletters")
def index():
    choice = ChoiceForm(data={"receive": services.receives(current_user)}) \
        if perm.can_choose_newsletter(current_user) else None
    return render_template("newsletters/index.html", newsletters=services.archive(current_user, items=False),
                           drafts=services.drafts(current_user, items=False), choice=choice)


@bp.route("/newsletters/choice", methods=["POST"])
def choose():
    form = ChoiceForm()
    return submit(form, lambda: services.choose(current_user, form.receive.data),
                  lambda receive: _("You will receive the monthly newsletter.") if receive
                  else _("You will no longer receive the monthly newsletter."),
                  url_for("newsletters.index"))


@bp.route("/newsletters/new", methods=["GET", "POST"])
def new():
    perm.require(perm.can_manage_newsletters(current_user),
                 _("Only facilitators write the newsletter."))
    form = NewForm()
    return (submitted(form, lambda: services.draft(current_user, form.month.data),
                      _("The newsletter is drafted: edit it, preview it, then send it."),
                      lambda newsletter: url_for("newsletters.edit",
                                                 newsletter_id=newsletter.id),
                      validate=False)
            or render_template("newsletters/new.html", form=form))


@bp.route("/newsletters/<int:newsletter_id>")
def view(newsletter_id):
    newsletter = services.get_newsletter(current_user, newsletter_id)
    return render_template("newsletters/view.html", newsletter=newsletter,
                           sections=services.sections(newsletter), labels=ITEM_KIND_LABELS,
                           month=services.month_name(newsletter))


def _draft(newsletter_id):
    """A draft for its editors: 404 for whoever may not see it, 403 for who may see it but
    not edit it (a member, a sent one's readers), the service's 409 once it is sent."""
    newsletter = services.get_newsletter(current_user, newsletter_id)
    perm.require(perm.can_manage_newsletters(current_user),
                 _("Only facilitators write the newsletter."))
    return newsletter


@bp.route("/newsletters/<int:newsletter_id>/edit", methods=["GET", "POST"])
def edit(newsletter_id):
    newsletter = _draft(newsletter_id)
    services.require_draft(newsletter)
    form = edit_form(newsletter)

    def save():
        try:
            return services.edit(current_user, newsletter, edit_data(form, newsletter))
        except Invalid as error:  # items.5.title is the field items_5_title
            raise Invalid(error.message, {k.replace(".", "_"): v
                                          for k, v in error.fields.items()}) from None

    return (submitted(form, save, _("The newsletter is saved."),
                      url_for("newsletters.edit", newsletter_id=newsletter_id),
                      validate=False)
            or render_template("newsletters/edit.html", newsletter=newsletter, form=form,
                               labels=ITEM_KIND_LABELS, confirm=ConfirmForm()))


@bp.route("/newsletters/<int:newsletter_id>/email")
def preview_email(newsletter_id):
    """The e-mail as the facilitator would receive it: its subject and text here, its HTML
    at email.html."""
    newsletter = _draft(newsletter_id)
    subject, text, _html = services.email_for(current_user, newsletter)
    return render_template("newsletters/email.html", newsletter=newsletter, subject=subject,
                           text=text)


@bp.route("/newsletters/<int:newsletter_id>/email.html")
def preview_email_html(newsletter_id):
    newsletter = _draft(newsletter_id)
    _subject, _text, html = services.email_for(current_user, newsletter)
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = "private, no-store"
    # As a mail reader shows it: its inline styles apply, nothing else runs or loads.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; sandbox")
    return response


@bp.route("/newsletters/<int:newsletter_id>/send", methods=["GET", "POST"])
def send(newsletter_id):
    """GET asks for confirmation (with the number of recipients); POST sends. Sending a
    sent one again is refused (409) with the reason."""
    newsletter = _draft(newsletter_id)
    services.require_draft(newsletter)
    form = ConfirmForm()
    return (submitted(form, lambda: services.send(current_user, newsletter),
                      lambda sent: ngettext("The newsletter is on its way to %(num)d member.",
                                            "The newsletter is on its way to %(num)d members.",
                                            sent.recipients),
                      url_for("newsletters.view", newsletter_id=newsletter_id))
            or render_template("newsletters/send.html", newsletter=newsletter, form=form,
                               recipients=services.count_recipients()))
