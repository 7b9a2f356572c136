"""The synthesis page's reviewer list (hundreds of people on a real site, read as names and
e-mails only, written by the faster widget): exactly the active facilitators and experts but
the reader, by name, each once whatever their roles."""
import re

from reachback.extensions import db


def test_the_reviewer_list_is_the_active_staff_and_experts_but_me_by_name(
        make_web, make_user, make_query):
    fac = make_user("facilitator", name="Fay Facilitator")
    query = make_query(status="synthesis", facilitator=fac)
    both = make_user(roles=["facilitator", "expert"], name="Bea <Both>")
    expert = make_user("expert", name="Abe Expert")
    make_user("member", name="Mo Member")
    gone = make_user("expert", name="Gil Gone")
    gone.active = False
    db.session.commit()
    web = make_web()
    web.sign_in(fac)
    html = web.get(f"/queries/{query.reference}/synthesis").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="reviewer"[^>]*>(.*?)</select>', html, re.S).group(1)
    options = re.findall(r'<option value="([^"]*)">([^<]*)</option>', select)
    names = [label.split(" (")[0] for _value, label in options]
    assert names == sorted(names)
    assert (expert.email, f"Abe Expert ({expert.email})") in options
    assert (both.email, f"Bea &lt;Both&gt; ({both.email})") in options  # escaped, once
    assert [v for v, _label in options].count(both.email) == 1
    assert not any(n in names for n in ("Fay Facilitator", "Mo Member", "Gil Gone"))
    assert len(options) == len(set(options))
