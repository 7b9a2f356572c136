"""Theme and country pickers usable on a phone and without JavaScript: no <select multiple>
(which needs Ctrl) on any form; themes as checkboxes grouped in a fieldset per parent theme
of the taxonomy; several countries as a checkbox list (the chosen first, a filter box added
by reachback.js); one country (a query's) as a plain <select> offering what the service
accepts. The field names stay those the services and the API read."""
import lxml.html
import pytest

from reachback.countries import REGIONS, codes
from reachback.data.taxonomy import THEMES, theme_rows
from reachback.knowledge import library
from tests.service.test_library import doc_data, upload

PARENTS = {code: name for code, name, _subs in THEMES}
ROWS = list(theme_rows())
PARENT_OF = {row["slug"]: PARENTS[row["parent_code"] or row["code"]] for row in ROWS}


def tree(response):
    assert response.status_code == 200, response.status_code
    return lxml.html.fromstring(response.get_data(as_text=True))


def field_group(doc, name: str):
    """The field's outer fieldset (the one the field macro draws, with its id)."""
    return doc.get_element_by_id(name)


def assert_no_multiselect(doc) -> None:
    assert doc.xpath("//select[@multiple]") == []


def assert_grouped_themes(doc, checked=()) -> None:
    outer = field_group(doc, "themes")
    assert outer.tag == "fieldset"
    groups = outer.xpath(".//fieldset")
    # One fieldset per parent theme, in the taxonomy's order, each named by its legend.
    assert [g.xpath("string(legend)") for g in groups] == list(PARENTS.values())
    seen = {}
    for group in groups:
        legend = group.xpath("string(legend)")
        for box in group.xpath(".//input"):
            assert box.get("type") == "checkbox" and box.get("name") == "themes"
            # Each checkbox sits inside its label: a big target on a phone, named for a reader.
            assert box.getparent().tag == "label" and box.getparent().text_content().strip()
            seen[box.get("value")] = legend
            assert (box.get("checked") is not None) == (box.get("value") in checked)
    assert seen == PARENT_OF  # every theme, each under its own parent


def assert_country_checklist(doc, checked=()) -> None:
    outer = field_group(doc, "countries")
    assert outer.tag == "fieldset" and outer.xpath("string(legend)").strip()
    (listing,) = outer.xpath(".//div[@data-filter]")
    assert listing.get("data-filter")  # the filter box's label, for reachback.js
    values = [box.get("value") for box in listing.xpath(".//input[@type='checkbox']")]
    assert set(values) == codes() and len(values) == len(codes())
    # The chosen ones come first: found without scrolling, without the filter.
    assert values[:len(checked)] == list(checked)
    assert {b.get("value") for b in listing.xpath(".//input[@checked]")} == set(checked)


def assert_single_country(doc, chosen="") -> None:
    (select,) = doc.xpath("//select[@name='country']")
    assert select.get("multiple") is None
    values = select.xpath(".//option/@value")
    # What submit_query and edit_query accept: one ISO 3166 code, a region or the world.
    assert set(values) == codes() | set(REGIONS) | {""}
    assert select.xpath(".//option[@selected]/@value") == ([chosen] if chosen else [])


def test_the_query_form_picks_themes_by_checkbox_and_one_country(signed_in, make_user):
    doc = tree(signed_in(make_user("member")).get("/queries/new"))
    assert_no_multiselect(doc)
    assert_grouped_themes(doc)
    assert_single_country(doc)


def test_a_refused_query_keeps_the_ticked_themes(signed_in, make_user):
    web = signed_in(make_user("member"))
    response = web.post("/queries/new", data={
        "title": "", "question": "Which checks came first?", "country": "UG",
        "themes": ["vetting", "courts"], "priority": "normal",
        "confidentiality": "restricted"})
    assert response.status_code == 422
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    assert_grouped_themes(doc, checked={"vetting", "courts"})
    assert_single_country(doc, "UG")


def test_the_triage_edit_form_offers_what_edit_query_accepts(signed_in, make_user, make_query):
    staff = make_user("facilitator")
    q = make_query(country="UG", themes=("vetting", "courts"))
    doc = tree(signed_in(staff).get(f"/queries/{q.reference}/edit"))
    assert_no_multiselect(doc)
    assert_grouped_themes(doc, checked={"vetting", "courts"})
    assert_single_country(doc, "UG")
    # Ticked boxes post the same field as the API's list: the edit goes through.
    response = signed_in(staff).post(f"/queries/{q.reference}/edit", data={
        "title": q.title, "country": "KE", "themes": ["courts", "local-governance"],
        "priority": q.priority, "confidentiality": q.confidentiality, "reason": ""})
    assert response.status_code == 302
    assert (q.country, sorted(t.slug for t in q.themes)) == ("KE", ["courts", "local-governance"])


def test_the_expertise_form_picks_themes_and_countries_by_checkbox(signed_in, make_user):
    admin = make_user("admin")
    expert = make_user("expert", themes=["vetting"], countries=["UG", "CD"])
    doc = tree(signed_in(admin).get(f"/admin/users/{expert.id}"))
    assert_no_multiselect(doc)
    assert_grouped_themes(doc, checked={"vetting"})
    # Chosen first, in the list's (alphabetical) order.
    assert_country_checklist(doc, checked=("CD", "UG"))
    assert_no_multiselect(tree(signed_in(admin).get("/admin/users/new")))


@pytest.mark.parametrize("editing", [False, True])
def test_the_library_form_picks_themes_and_countries_by_checkbox(signed_in, make_user,
                                                                editing):
    staff = make_user("facilitator")
    url, themes, countries = "/library/new", set(), ()
    if editing:
        doc = library.add_document(staff, doc_data(themes=["vetting"], countries=["SS"]),
                                   upload(b"Vetting handbook", "d.txt"))
        url, themes, countries = f"/library/{doc.id}/edit", {"vetting"}, ("SS",)
    page = tree(signed_in(staff).get(url))
    assert_no_multiselect(page)
    assert_grouped_themes(page, checked=themes)
    assert_country_checklist(page, checked=countries)
