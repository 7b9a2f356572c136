"""Markdown rendered once, when written, into <field>_html columns (markdown.Rendered)."""
from sqlalchemy import select, update

from reachback.cli import rerender_command
from reachback.extensions import db
from reachback.markdown import render
from reachback.queries import services as qs
from reachback.queries.models import Contribution, FieldQuery

HOSTILE = "**Vetting** <script>alert(1)</script> [x](javascript:alert(1))"


def test_a_new_query_stores_its_sanitised_html(make_query):
    query = make_query()
    query.question = HOSTILE
    db.session.commit()
    stored = db.session.scalar(select(FieldQuery.question_html).where(FieldQuery.id == query.id))
    assert "<strong>Vetting</strong>" in stored
    assert "<script" not in stored and "javascript:" not in stored
    assert stored == str(render(HOSTILE))
    assert query.html("question") == stored


def test_an_edited_contribution_is_rendered_again(make_query):
    query = make_query(status="synthesis")
    contribution = db.session.scalars(select(Contribution)).first()
    expert = contribution.author
    qs.edit_contribution(expert, contribution, "Now with a *second* thought.")
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Contribution, contribution.id).body_html == \
        "<p>Now with a <em>second</em> thought.</p>"
    assert query.id == contribution.query_id


def test_other_changes_do_not_render_again(make_query):
    query = make_query()
    db.session.execute(update(FieldQuery).where(FieldQuery.id == query.id)
                       .values(question_html="<p>kept</p>"))
    db.session.expire_all()
    query = db.session.get(FieldQuery, query.id)
    query.priority = "urgent"
    db.session.commit()
    assert db.session.scalar(
        select(FieldQuery.question_html).where(FieldQuery.id == query.id)) == "<p>kept</p>"


def test_rows_from_before_the_columns_render_on_view_until_rerender_fills_them(app, make_query):
    query = make_query(status="synthesis")
    db.session.execute(update(FieldQuery).values(question_html=None, context_html=None,
                                                 updated_at=FieldQuery.updated_at))
    db.session.execute(update(Contribution).values(body_html=None,
                                                   updated_at=Contribution.updated_at))
    db.session.commit()
    db.session.expire_all()
    query = db.session.get(FieldQuery, query.id)
    before = query.updated_at
    assert query.question_html is None
    assert query.html("question") == render(query.question)  # rendered on the fly

    result = app.test_cli_runner().invoke(rerender_command, [])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    query = db.session.get(FieldQuery, query.id)
    assert query.question_html == str(render(query.question))
    assert query.updated_at == before  # rendering again is not an edit
    assert None not in db.session.scalars(select(Contribution.body_html)).all()
