"""The forms of the discussion pages. They parse and render; reachback.discussions.services
checks (one set of rules for the pages, the API and e-mail)."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import DateInput

from .. import lengths
from ..forms import Form
from ..lengths import Capped


class DiscussionForm(Form):
    title = StringField(_l("Title"), render_kw={"maxlength": lengths.TITLE, "required": True},
                        validators=[Capped(lengths.TITLE)])
    description = TextAreaField(_l("Framing"), validators=[Capped(lengths.TEXT)])
    questions = TextAreaField(_l("Guiding questions, one a line (one is sent each week)"))
    starts_on = StringField(_l("Starts on"), widget=DateInput(), render_kw={"required": True})
    ends_on = StringField(_l("Ends on"), widget=DateInput())
    group = SelectField(_l("Audience"))
    invite = TextAreaField(_l("Resource people to invite (e-mail addresses, one a line)"))

    def set_groups(self, groups, community: bool = True) -> "DiscussionForm":
        """The audiences offered: the community (to those who may open one for it) and
        `groups`."""
        self.group.choices = ([SelectChoice("", _l("The whole community"))] if community
                              else []) + [SelectChoice(g.slug, g.name) for g in groups]
        return self

    def to_data(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "title", "description", "questions", "starts_on", "ends_on", "group", "invite")}


class PostForm(Form):
    body = TextAreaField(_l("Your post"), validators=[Capped(lengths.BODY)],
                         render_kw={"required": True})
    reply_to = HiddenField()

    def to_data(self) -> dict:
        return {"body": self.body.data, "reply_to": self.reply_to.data or None}


class HideForm(Form):
    reason = StringField(_l("Reason for hiding"), validators=[Capped(lengths.NOTE)],
                         render_kw={"required": True})


class FollowForm(Form):
    """A button: posts by e-mail, or no more."""


SUMMARY_CHOICES = [SelectChoice("community", _l("Members of the community")),
                   SelectChoice("public", _l("Anyone (public)")),
                   SelectChoice("restricted", _l("Facilitators only"))]
GROUP_CHOICE = SelectChoice("group", _l("Members of the group"))


class SummaryForm(Form):
    title = StringField(_l("Title"), validators=[Capped(lengths.TITLE)],
                        render_kw={"required": True})
    summary = TextAreaField(_l("Abstract"), validators=[Capped(lengths.SUMMARY)],
                            render_kw={"required": True})
    body = TextAreaField(_l("Summary product"), validators=[Capped(lengths.BODY)],
                         render_kw={"required": True})
    visibility = RadioField(_l("Who may read it in the library"), choices=SUMMARY_CHOICES,
                            default="community")

    @classmethod
    def for_discussion(cls, discussion, **kwargs) -> "SummaryForm":
        """A group's discussion offers its group first (the default) besides the others."""
        form = cls(prefix="summary", **kwargs)
        if discussion.group_id is not None:
            form.visibility.choices = [GROUP_CHOICE, *SUMMARY_CHOICES]
            if kwargs.get("formdata", True) is None:
                form.visibility.data = "group"
        return form

    def to_data(self) -> dict:
        return {name: getattr(self, name).data for name in ("title", "summary", "body",
                                                            "visibility")}
