"""Demo content for Reachback: organisations, people and a realistic set of queries.

Pure data module (stdlib only). This is what a newcomer meets on a fresh demo
instance, so it is written the way experienced practitioners write: concrete,
specific about what was tried, honest about caveats. All people and
organisations are invented; countries, missions, agreements and reference
documents are real.

Conventions
-----------
* ``country`` on a person is where they are currently based (ISO 3166-1
  alpha-2); on an organisation it is where it is headquartered.
* ``themes`` are slugs from :func:`reachback.data.taxonomy.theme_rows`.
* ``languages`` are ISO 639-1 codes.
* ``away_days`` on an expert: number of days from "today" the expert is
  unavailable (``None`` = available).
* Query dates are relative: ``age_days`` is how many days ago the query was
  submitted; ``needed_in_days`` is the deadline counted from submission.
* ``experts`` lists the experts the query was routed to who accepted or
  have not answered yet; each either contributed (``contributions``) or is
  still working on it. Experts who were invited and declined are listed
  only in ``declined`` (never also in ``experts``).
* ``duplicate_of_index`` is an index into :data:`QUERIES`.
* Markdown strings are written indented in this file and dedented by
  :func:`_md`; the stored text is flush-left.
"""

from __future__ import annotations

import textwrap


def _md(text: str) -> str:
    """Dedent and strip a triple-quoted Markdown block."""
    return textwrap.dedent(text).strip()


# ---------------------------------------------------------------------------
# Organisations
# ---------------------------------------------------------------------------

ORGANISATIONS: list[dict] = [
    {"name": "Joint Reach-back Facility", "kind": "multilateral",
     "country": "BE", "south": False},
    {"name": "Civilian Stabilisation Office", "kind": "government",
     "country": "GB", "south": False},
    {"name": "Nordic Centre for Crisis Management", "kind": "government",
     "country": "FI", "south": False},
    {"name": "Regional Peace Support Secretariat", "kind": "multilateral",
     "country": "ET", "south": True},
    {"name": "Sahel Governance Partners", "kind": "implementing_partner",
     "country": "SN", "south": True},
    {"name": "Transitions Advisory Group", "kind": "implementing_partner",
     "country": "CA", "south": False},
    {"name": "Asia-Pacific Stabilisation Consortium",
     "kind": "implementing_partner", "country": "ID", "south": True},
    {"name": "Horn Community Dialogue Network", "kind": "ngo",
     "country": "SO", "south": True},
    {"name": "Levant Policy Lab", "kind": "ngo", "country": "LB",
     "south": True},
    {"name": "Balkan Institute for Justice and Reconciliation", "kind": "ngo",
     "country": "BA", "south": False},
    {"name": "Andean Institute for Peace and Security Studies",
     "kind": "academic", "country": "CO", "south": True},
    {"name": "East African Centre for Conflict and Security Studies",
     "kind": "academic", "country": "KE", "south": True},
]


# ---------------------------------------------------------------------------
# Demo staff accounts (one per role)
# ---------------------------------------------------------------------------

STAFF: list[dict] = [
    {"email": "member@example.org", "name": "Ingrid Halvorsen",
     "roles": ["member"],
     "organisation": "Nordic Centre for Crisis Management", "country": "SS"},
    {"email": "expert@example.org", "name": "Idrissa Nadembega",
     "roles": ["expert"],
     "organisation": "Sahel Governance Partners", "country": "SN",
     "themes": ["police-reform-and-community-policing", "vetting",
                "oversight"],
     "countries": ["ML", "CF", "CD"],
     "languages": ["fr", "en"]},
    {"email": "facilitator@example.org", "name": "Sof\u00eda Restrepo Mar\u00edn",
     "roles": ["facilitator"],
     "organisation": "Joint Reach-back Facility", "country": "BE"},
    {"email": "admin@example.org", "name": "Tomasz Wierzbicki",
     "roles": ["admin"],
     "organisation": "Joint Reach-back Facility", "country": "BE"},
]


# ---------------------------------------------------------------------------
# Expert roster
# ---------------------------------------------------------------------------

EXPERTS: list[dict] = [
    {"email": "a.mensah@example.org", "name": "Abena Mensah",
     "organisation": "Regional Peace Support Secretariat", "country": "ET",
     "themes": ["demobilisation", "reintegration",
                "children-associated-with-armed-forces",
                "community-violence-reduction"],
     "countries": ["SS", "CF", "SO"], "languages": ["en", "fr"],
     "away_days": None},
    {"email": "r.haddad@example.org", "name": "Rania Haddad",
     "organisation": "Levant Policy Lab", "country": "LB",
     "themes": ["political-settlements", "negotiation-support", "ceasefires",
                "inclusion"],
     "countries": ["LB", "YE", "SY"], "languages": ["ar", "en", "fr"],
     "away_days": None},
    {"email": "m.lindqvist@example.org", "name": "Magnus Lindqvist",
     "organisation": "Nordic Centre for Crisis Management", "country": "SE",
     "themes": ["defence-reform", "oversight", "border-management",
                "organised-crime"],
     "countries": ["XK", "UA", "CF"], "languages": ["en", "sv", "de"],
     "away_days": None},
    {"email": "h.nakamura@example.org", "name": "Hana Nakamura",
     "organisation": "Asia-Pacific Stabilisation Consortium",
     "country": "KH",
     "themes": ["mine-action", "disarmament-and-weapons-management",
                "natural-resources-and-land", "reconstruction"],
     "countries": ["KH", "IQ", "UA"], "languages": ["en", "ja"],
     "away_days": 7},
    {"email": "c.valencia@example.org", "name": "Camilo Valencia Ortiz",
     "organisation": "Andean Institute for Peace and Security Studies",
     "country": "CO",
     "themes": ["truth-seeking", "reparations", "agreement-implementation",
                "employment-and-youth"],
     "countries": ["CO", "HT"], "languages": ["es", "en"],
     "away_days": None},
    {"email": "f.abdi@example.org", "name": "Fadumo Abdi Warsame",
     "organisation": "Horn Community Dialogue Network", "country": "SO",
     "themes": ["customary-justice", "local-mediation",
                "womens-participation"],
     "countries": ["SO", "ET", "KE"], "languages": ["so", "en", "ar"],
     "away_days": None},
    {"email": "d.kovacevic@example.org", "name": "Dragana Kova\u010devi\u0107",
     "organisation": "Balkan Institute for Justice and Reconciliation",
     "country": "BA",
     "themes": ["vetting", "accountability", "courts", "memorialisation"],
     "countries": ["BA", "XK", "UA"], "languages": ["bs", "en", "de"],
     "away_days": None},
    {"email": "s.traore@example.org", "name": "Seydou Traor\u00e9",
     "organisation": "Sahel Governance Partners", "country": "ML",
     "themes": ["prevention", "disengagement-and-rehabilitation",
                "justice-responses", "local-governance"],
     "countries": ["ML", "BF", "NE"], "languages": ["fr", "bm", "en"],
     "away_days": 12},
    {"email": "e.njoroge@example.org", "name": "Esther Wambui Njoroge",
     "organisation": "East African Centre for Conflict and Security Studies",
     "country": "KE",
     "themes": ["gender-analysis", "conflict-related-sexual-violence",
                "national-action-plans", "gbv-prevention"],
     "countries": ["SS", "SD", "CD"], "languages": ["en", "sw"],
     "away_days": None},
    {"email": "h.moreau@example.org", "name": "H\u00e9l\u00e8ne Moreau",
     "organisation": "Transitions Advisory Group", "country": "CA",
     "themes": ["electoral-administration", "electoral-security",
                "mis-and-disinformation", "public-information"],
     "countries": ["HT", "CD", "LY"], "languages": ["fr", "en"],
     "away_days": None},
    {"email": "f.rahimi@example.org", "name": "Farid Rahimi",
     "organisation": "Civilian Stabilisation Office", "country": "GB",
     "themes": ["political-economy", "conflict-sensitivity",
                "theory-of-change", "evaluation"],
     "countries": ["AF", "IQ", "YE"], "languages": ["en", "fa", "ps"],
     "away_days": None},
    {"email": "b.santoso@example.org", "name": "Budi Santoso",
     "organisation": "Asia-Pacific Stabilisation Consortium",
     "country": "ID",
     "themes": ["civil-military-coordination", "integrated-missions",
                "deployment-logistics-and-security", "staff-welfare"],
     "countries": ["SS", "LB", "PH"], "languages": ["en", "id"],
     "away_days": None},
]


# ---------------------------------------------------------------------------
# Additional field practitioners (members)
# ---------------------------------------------------------------------------

MEMBERS: list[dict] = [
    {"email": "g.achieng@example.org", "name": "Grace Achieng",
     "organisation": "Regional Peace Support Secretariat", "country": "SO"},
    {"email": "m.benali@example.org", "name": "Mehdi Benali",
     "organisation": "Civilian Stabilisation Office", "country": "LY"},
    {"email": "o.shevchenko@example.org", "name": "Oksana Shevchenko",
     "organisation": "Nordic Centre for Crisis Management", "country": "UA"},
    {"email": "r.fernandes@example.org", "name": "Rafael Fernandes",
     "organisation": "Transitions Advisory Group", "country": "CO"},
    {"email": "c.dembele@example.org", "name": "Claire Demb\u00e9l\u00e9",
     "organisation": "Sahel Governance Partners", "country": "ML"},
]


# ---------------------------------------------------------------------------
# Queries
#
# Order matters: ``duplicate_of_index`` refers to positions in this list.
#   0-8   published (public: 1, 2, 6; community: 0, 4, 5, 7; restricted: 3, 8)
#   9-12  synthesis (response drafted, not yet published)
#   13-17 routed
#   18-20 clarification (awaiting the requester's reply)
#   21-25 submitted (awaiting triage)
#   26-29 closed (declined, out_of_scope, withdrawn, duplicate)
# ---------------------------------------------------------------------------

QUERIES: list[dict] = [

    # -- 0. Published (community): the emblematic police-vetting query -------
    {
        "title": "How have other missions vetted police recruits after a ceasefire?",
        "question": _md("""
            The state police command I advise will receive around 900 new
            officers over the next six months: graduates of the unified forces
            training under the peace agreement, plus a direct recruitment
            round. Most candidates come from the former warring parties and
            very few have any documented service history.

            **How have other missions and national authorities vetted police
            recruits drawn from former belligerents after a ceasefire, and
            what is a realistic minimum vetting process we could run here
            within six months and with almost no records?**
        """),
        "context": _md("""
            The Revitalized Agreement (R-ARCSS) provides for unified forces,
            including police, drawn from the parties. The first cohorts have
            graduated, but screening at the cantonment and training sites was
            limited to age and basic medical checks. The state police
            commissioner wants to be seen to "clean" the intake without
            provoking either party, and has asked us for options.

            What we have tried: a meeting with the state human rights
            commission (willing, but no capacity), and a request to UNMISS
            Human Rights Division for any data they can share (pending; they
            are cautious about sharing case information). There is no
            functioning civil registry in most counties, and literacy among
            candidates is low.
        """),
        "purpose": (
            "Options paper for the state police commissioner and the "
            "state security committee, due before the next intake in March; "
            "it will also inform our programme's support to the police "
            "training school."
        ),
        "country": "SS",
        "themes": ["police-reform-and-community-policing", "vetting",
                   "demobilisation"],
        "priority": "high",
        "confidentiality": "community",
        "requester": "member@example.org",
        "status": "published",
        "age_days": 64,
        "needed_in_days": 21,
        "clarification": {
            "question": (
                "Thank you, this is a strong query. To route it well: is the "
                "commissioner open to excluding candidates, or only to "
                "flagging them for closer supervision? And are women "
                "candidates part of the intake?"
            ),
            "reply": (
                "He is open to excluding people credibly linked to serious "
                "abuses, but not to exclusions that look like they target one "
                "party. Around 12% of the intake are women, mostly from the "
                "direct recruitment round."
            ),
        },
        "experts": ["expert@example.org", "d.kovacevic@example.org",
                    "a.mensah@example.org"],
        "contributions": [
            {
                "expert": "expert@example.org",
                "body": _md("""
                    A first point of vocabulary that matters for the
                    commissioner: **screening** is checking whether a
                    candidate meets entry criteria (age, health, literacy,
                    nationality); **vetting** is assessing integrity, above
                    all involvement in serious human rights violations. With
                    no records, you can do solid screening and a *limited*
                    but credible vetting. Do not promise more.

                    A realistic six-month minimum, in the order I would do it:

                    1. **Identity and age**: biometric registration at intake
                       (fingerprint and photo) so that anyone excluded cannot
                       re-enter through another list. Age assessment for
                       anyone who may be under 18.
                    2. **Public notice and complaints window**: in Liberia,
                       after 2003, candidates for the new national police had
                       their photographs and names displayed in their home
                       communities and in the press, with a period for the
                       public to raise objections. It was imperfect, but it
                       turned "no records" into a source of information and
                       it was seen as fair because everyone went through it.
                    3. **Cross-check against what exists**: UNMISS human
                       rights reporting, the panel of experts, NGO incident
                       databases. Ask for name-matching only ("is there an
                       allegation?"), not case files.
                    4. **A small mixed review panel** (police, human rights
                       commission, one respected civilian from each party's
                       constituency) that decides on flagged cases with
                       written reasons.
                    5. **Probation of 12 to 24 months**, with supervisors
                       briefed to report conduct. Many missions have found
                       probation does more than entry vetting.

                    In CAR, MINUSCA supported recruitment of police and
                    gendarmerie with regional quotas; the lesson there was
                    that perceived regional or ethnic imbalance in who was
                    excluded did more damage than the few bad recruits who got
                    through. Publish the criteria before you apply them.
                """),
            },
            {
                "expert": "d.kovacevic@example.org",
                "body": _md("""
                    Bosnia and Herzegovina is the largest example of
                    after-the-fact police vetting and it carries two lessons
                    in opposite directions.

                    From 1999 to 2002 the UN mission (UNMIBH, through the
                    International Police Task Force) ran a registration,
                    provisional authorisation and final certification process
                    for roughly 24,000 law enforcement personnel. Criteria
                    included wartime conduct, educational qualifications,
                    proof of citizenship and compliance with property law
                    (officers illegally occupying other people's homes were
                    not certified). Combining several criteria meant the
                    process did not look like a purge of one community, and
                    the property criterion in particular was easy to verify
                    and hard to argue with.

                    The negative lesson: decertification had **no meaningful
                    appeal**. Hundreds of decertified officers contested the
                    decisions for years afterwards; European institutions
                    criticised the absence of due process and the issue
                    became a long-running political grievance. Whatever
                    panel you set up, build in a simple right to be heard
                    and a review step, and keep written reasons.

                    For a no-records setting, I would use criteria that can
                    actually be evidenced locally: community objections,
                    property seizures, known command of units implicated in
                    specific incidents. Avoid a vague "human rights record"
                    criterion that no one can prove either way.

                    The OHCHR *Rule-of-law tools for post-conflict states:
                    Vetting, an operational framework* (2006) and UNDP's
                    *Vetting Public Employees in Post-Conflict Settings:
                    Operational Guidelines* (2006) are still the best short
                    references; both stress that vetting must be individual,
                    not collective, to be legitimate.
                """),
            },
            {
                "expert": "a.mensah@example.org",
                "body": _md("""
                    From the DDR side, three practical points.

                    **Use the cantonment data.** Even where screening was
                    thin, the cantonment sites and the training centres hold
                    nominal rolls, unit affiliations and often photographs.
                    The joint security mechanisms (and CTSAMVM reports)
                    record which units were present where and when. This
                    will not prove individual conduct, but it lets the
                    review panel ask better questions about commanders of
                    units linked to documented incidents.

                    **Protect against the two classic failures.** In Burundi
                    after Arusha, and in eastern DRC during *brassage*, large
                    numbers of former combatants were moved into police and
                    army with minimal individual screening to meet political
                    quotas; both countries then spent years dealing with
                    indiscipline and parallel command chains. The opposite
                    failure is excluding so many that the excluded become a
                    spoiler constituency. Anyone screened out must have a
                    route into the reintegration programme, otherwise
                    exclusion simply returns armed men to the counties.

                    **Children and women.** Anyone who was associated with an
                    armed force as a child but is now an adult should not be
                    excluded for that association alone. Women candidates,
                    many of whom were combatants or associated with forces,
                    need female panel members and a confidential channel to
                    report abuse by peers during training; several
                    programmes (Liberia, Sierra Leone) found that harassment
                    during training drove women out within the first year.
                """),
            },
        ],
        "internal_notes": [
            "Checked the knowledge base: nothing on police vetting since the "
            "Liberia note from several years ago. Routed to three experts "
            "with BiH, Sahel/CAR and DDR perspectives.",
            "Requester confirmed community visibility is fine once names of "
            "counties are removed from the context.",
        ],
        "response": {
            "title": "Vetting police recruits drawn from former belligerents after a ceasefire",
            "summary": _md("""
                A state police command in South Sudan will absorb around 900
                officers drawn largely from former warring parties, with
                almost no service records. Experts agree that full integrity
                vetting is not achievable in six months, but that a credible
                minimum is: rigorous screening (biometric identity, age,
                health, literacy), a public notice and complaints window as
                used in Liberia, name-matching against existing human rights
                reporting, a small mixed review panel giving written reasons,
                and a 12 to 24 month probation period. Bosnia and
                Herzegovina's certification of some 24,000 personnel shows
                the value of several concrete, verifiable criteria (such as
                illegal occupation of property) and the cost of denying
                excluded officers any appeal. Burundi and the DRC show the
                opposite risk: mass integration to meet quotas without
                individual screening. Those excluded must be given a route
                into reintegration support, criteria must be published
                before they are applied, and women candidates need female
                panel members and a confidential reporting channel.
            """),
            "body": _md("""
                ## The query

                A state police command will receive around 900 new officers
                over six months: graduates of the unified forces training
                under the Revitalized Agreement (R-ARCSS) and a direct
                recruitment round. Most come from the former parties and very
                few have documented service histories. The commissioner asked
                for realistic vetting options that will not be seen as
                targeting either party.

                ## Synthesis of responses

                1. **Separate screening from vetting.** Screening (identity,
                   age, health, literacy) can be done thoroughly. Integrity
                   vetting can only be partial without records; the
                   commissioner should say so publicly rather than promise a
                   "clean" force.
                2. **Create information where there is none.** A public
                   notice and complaints window (candidates' names and
                   photographs displayed in home communities) turns the
                   community into the record. Cross-check names against
                   existing human rights reporting on a name-match basis
                   only.
                3. **Decide flagged cases through a small mixed panel** with
                   published criteria, written reasons and a simple right to
                   be heard and to request review.
                4. **Rely on probation.** A 12 to 24 month probation with
                   briefed supervisors is where most misconduct is actually
                   caught.
                5. **Give the excluded somewhere to go.** Exclusion without a
                   path into reintegration support creates a spoiler
                   constituency.
                6. **Plan for women candidates** (about 12% of the intake):
                   female panel members, confidential reporting of harassment
                   during training.

                ## Comparative experiences

                - **Liberia (2004 onwards):** the national police was rebuilt
                  through new recruitment with public display of candidates
                  for community objections; seen as fair because universal.
                - **Bosnia and Herzegovina (1999-2002):** UNMIBH/IPTF
                  registration, provisional authorisation and certification
                  of roughly 24,000 personnel. Concrete criteria worked;
                  absence of appeal created a grievance that lasted years.
                - **Central African Republic:** MINUSCA-supported recruitment
                  with regional quotas; perceived imbalance in exclusions was
                  more damaging than individual bad recruits.
                - **Burundi and DRC:** integration of former combatants into
                  police and army to meet political quotas, with little
                  individual screening, produced long-term indiscipline and
                  parallel command chains.

                ## Related resources

                - OHCHR, *Rule-of-law tools for post-conflict states:
                  Vetting, an operational framework* (2006).
                - UNDP, *Vetting Public Employees in Post-Conflict Settings:
                  Operational Guidelines* (2006).
                - United Nations, *Integrated DDR Standards (IDDRS)*, module
                  on DDR and security sector reform.
                - DPO, *Policy on United Nations Police in Peacekeeping
                  Operations and Special Political Missions*.

                ## Contributors

                - Idrissa Nadembega, Sahel Governance Partners (former police
                  commissioner; police reform in the Sahel and CAR)
                - Dragana Kovačević, Balkan Institute for Justice and
                  Reconciliation (vetting and accountability, Western
                  Balkans)
                - Abena Mensah, Regional Peace Support Secretariat (DDR and
                  reintegration)

                Facilitated by the Joint Reach-back Facility.
            """),
            "visibility": "community",
        },
    },

    # -- 1. Published (public): sustainability of reintegration projects ------
    {
        "title": "Keeping ex-combatants' collective productive projects viable after donor funding ends",
        "question": _md("""
            Several collective productive projects run by former FARC-EP
            combatants in the south-west (coffee, fish farming, tourism)
            will lose their main donor support within a year. Roughly half
            are not yet covering their operating costs.

            **What has helped collective or cooperative reintegration
            projects survive the end of external funding, in Colombia or
            elsewhere, and what should we prioritise in the final twelve
            months of support?**
        """),
        "context": _md("""
            The projects were approved through the national reintegration
            agency (ARN) and the National Reintegration Council, with seed
            capital from the 2016 Final Agreement and top-up grants from two
            bilateral donors. Cooperatives are affiliated with ECOMUN. The
            main constraints we see: no formal title to the land most of the
            projects sit on, distance to markets, and internal governance
            disputes inside two of the cooperatives. Security has also
            deteriorated, with several signatories killed in the department
            over the past two years.

            We have tried business-plan coaching by a university partner,
            which participants found too theoretical.
        """),
        "purpose": (
            "Exit strategy for our programme's reintegration component, "
            "to be agreed with the donor group and the ARN territorial office."
        ),
        "country": "CO",
        "themes": ["reintegration", "employment-and-youth",
                   "agreement-implementation"],
        "priority": "normal",
        "confidentiality": "community",
        "requester": "r.fernandes@example.org",
        "status": "published",
        "age_days": 103,
        "needed_in_days": 30,
        "clarification": None,
        "experts": ["c.valencia@example.org", "a.mensah@example.org"],
        "contributions": [
            {
                "expert": "c.valencia@example.org",
                "body": _md("""
                    The projects that have survived in Colombia share three
                    features, none of which is the business plan itself.

                    **A secured relationship with a buyer.** Coffee
                    cooperatives that signed purchase agreements with
                    exporters or specialty roasters before donor funds ended
                    (some with a social "peace coffee" label) have done far
                    better than those selling in local markets. Tourism
                    projects are fragile: one security incident empties the
                    bookings. In the last year of support, the best money you
                    can spend is on quality certification and on brokering
                    two or three commercial contracts.

                    **Land.** Projects on land bought by the state for
                    reincorporation, or with a clear lease, attract credit
                    and partners; those in former ETCRs with unresolved
                    tenure cannot use land as collateral and are vulnerable
                    to eviction. Pressing the Land Agency (ANT) and the ARN
                    to resolve tenure for even a few projects is more
                    valuable than another round of training.

                    **Mixed membership.** Cooperatives that brought in
                    victims, campesino associations or local youth are more
                    resilient politically and more often supported by
                    municipal governments; "ex-combatant only" ventures
                    are more exposed to stigma and to the security threats
                    signatories face.

                    On governance disputes: they are usually about
                    distribution of income and about leadership tied to the
                    former command structure. An external accountant,
                    transparent monthly accounts, and a rotation of the
                    treasurer role resolve more than mediation does.

                    Caveat: viability is not the only measure. Some projects
                    matter as a place where signatories stay together and
                    stay safe; closing them for economic reasons has a
                    security cost that should be weighed with the ARN.
                """),
            },
            {
                "expert": "a.mensah@example.org",
                "body": _md("""
                    Comparative experience from Africa and Asia supports
                    Camilo's points and adds a few warnings.

                    - **Market saturation.** In Liberia and Sierra Leone,
                      large numbers of ex-combatants were trained in the same
                      few trades (tailoring, carpentry, soap-making) and
                      flooded small local markets. Before the final year,
                      run a simple market check on each product: who buys,
                      at what price, and who else is selling.
                    - **Cash versus collective projects.** Aceh's
                      reintegration support after the 2005 Helsinki MoU was
                      largely cash-based and was partly captured by former
                      commanders, who became contractors. Collective
                      projects in Colombia are better in principle, but the
                      same capture happens inside cooperatives when the
                      former command structure controls the accounts.
                    - **Hand-over to public programmes.** Where reintegration
                      support ended well (for example in parts of Nepal and
                      Mozambique), participants had already been connected to
                      ordinary government services: agricultural extension,
                      municipal procurement, rural credit lines. Treat the
                      final year as a transfer exercise: each project should
                      leave with named contacts in at least two public
                      programmes.

                    I would also recommend a frank triage. With half the
                    projects below break-even, spreading the last funds
                    evenly will probably lose most of them. Agree openly with
                    the cooperatives which projects will receive
                    consolidation support and which will be helped to wind
                    down or merge, so that the decision is not made by
                    default.
                """),
            },
        ],
        "response": {
            "title": "Sustaining collective reintegration projects after donor exit: lessons from Colombia and elsewhere",
            "summary": _md("""
                An adviser in Colombia asked how to keep collective
                productive projects run by former FARC-EP combatants viable
                when donor support ends within a year. Experts found that
                surviving projects share three features: a secured
                relationship with commercial buyers, resolved land tenure,
                and mixed membership including victims, campesino
                associations or local youth. Business-plan training alone
                has made little difference. Comparative experience from
                Liberia and Sierra Leone warns against market saturation
                from training many people in the same trades; Aceh shows how
                reintegration resources can be captured by former commanders,
                a risk that also exists inside cooperatives. Where
                reintegration ended well, participants had already been
                linked to ordinary government services. Recommendations for
                the final twelve months: broker purchase agreements and
                quality certification, press for tenure resolution for a few
                priority projects, introduce transparent accounting, connect
                every project to at least two public programmes, and agree
                openly which projects receive consolidation support. The
                security and social value of some projects should be weighed
                alongside financial viability.
            """),
            "body": _md("""
                ## The query

                Collective productive projects run by former FARC-EP
                combatants (coffee, fish farming, tourism) will lose their
                main donor support within a year; about half do not yet
                cover operating costs. What helps such projects survive, and
                what should the final year of support prioritise?

                ## Synthesis of responses

                - **Buyers before training.** Signed purchase agreements and
                  quality certification are the strongest predictors of
                  survival. Tourism is the most fragile line.
                - **Land tenure.** Without title or a secure lease, projects
                  cannot access credit and remain exposed to eviction.
                  Resolving tenure for a few projects is worth more than
                  further training.
                - **Mixed membership.** Cooperatives including victims,
                  campesinos or local youth attract municipal support and
                  face less stigma.
                - **Governance.** Income-distribution disputes are best
                  handled with transparent monthly accounts, an external
                  accountant and rotation of financial roles.
                - **Transfer, not extension.** Use the final year to connect
                  each project to public programmes (extension services,
                  rural credit, municipal procurement).
                - **Triage openly.** Agree with the cooperatives which
                  projects receive consolidation support.

                ## Comparative experiences

                - **Liberia and Sierra Leone:** saturation of local markets
                  after mass vocational training in a few trades.
                - **Aceh (Indonesia):** cash-based reintegration support
                  after the 2005 Helsinki MoU, partly captured by former
                  commanders.
                - **Nepal and Mozambique:** better outcomes where
                  participants were linked to ordinary government services
                  before external support ended.

                ## Related resources

                - United Nations, *Integrated DDR Standards (IDDRS)*, module
                  4.30 on reintegration.
                - ILO, *Socio-economic Reintegration of Ex-combatants:
                  Guidelines* (2010).
                - Kroc Institute, Peace Accords Matrix reports on
                  implementation of the Colombian Final Agreement.

                ## Contributors

                - Camilo Valencia Ortiz, Andean Institute for Peace and
                  Security Studies
                - Abena Mensah, Regional Peace Support Secretariat

                Facilitated by the Joint Reach-back Facility.
            """),
            "visibility": "public",
        },
    },

    # -- 2. Published (public): prioritising agricultural land release --------
    {
        "title": "Prioritising release of contaminated agricultural land in de-occupied areas",
        "question": _md("""
            Our regional military administration has a long list of
            requests from farmers and village councils to clear
            agricultural land, and far more requests than survey and
            clearance capacity for the coming season.

            **What criteria and process have other mine action programmes
            used to prioritise agricultural land release, and how can we
            make the prioritisation transparent enough that smallholders do
            not feel it favours large agricultural companies?**
        """),
        "context": _md("""
            Requests come through the village councils, directly from
            agricultural companies, and through the state programme that
            compensates farmers for commercial demining of their land. Large
            companies can also contract operators themselves, so
            smallholders feel left behind. The regional mine action centre
            uses a scoring sheet that weights "economic value", which in
            practice favours large plots.

            We have non-technical survey teams from two NGOs operating in the
            region; their reports suggest a large share of suspected areas
            could be cancelled through survey without clearance.
        """),
        "purpose": (
            "Input to the regional mine action prioritisation guidelines "
            "that the administration will adopt before the spring season."
        ),
        "country": "UA",
        "themes": ["mine-action", "natural-resources-and-land",
                   "conflict-sensitivity"],
        "priority": "high",
        "confidentiality": "community",
        "requester": "o.shevchenko@example.org",
        "status": "published",
        "age_days": 88,
        "needed_in_days": 28,
        "clarification": None,
        "experts": ["h.nakamura@example.org", "f.rahimi@example.org"],
        "contributions": [
            {
                "expert": "h.nakamura@example.org",
                "body": _md("""
                    Two technical points first, because they change the
                    size of the problem.

                    **Most land is released by survey, not clearance.** IMAS
                    07.11 on land release is explicit that suspected areas
                    should be cancelled through non-technical survey or
                    reduced through technical survey wherever evidence allows.
                    In Cambodia, Bosnia and Herzegovina and Croatia,
                    programmes that invested in good non-technical survey
                    returned far more land per dollar than those that sent
                    clearance teams to every polygon. Your NGO partners'
                    findings point the same way. Prioritise survey of whole
                    villages' farmland before allocating clearance.

                    **Separate the queues.** Land that large companies will
                    clear through commercial operators (with or without
                    state compensation) should be tracked, quality-managed
                    and counted, but not take places in the humanitarian
                    queue. The humanitarian queue should be for land whose
                    users cannot buy clearance.

                    For the criteria, Cambodia's **Mine Action Planning
                    Units** are the most relevant model: commune councils
                    propose and rank sites in public meetings, the provincial
                    planning unit checks and consolidates, and the list is
                    published. Criteria typically include: number of
                    households depending on the land, accidents or near
                    misses, whether the land is needed for return or
                    resettlement, and access to water or services. Economic
                    value can stay, but per household rather than per
                    hectare.

                    Caveat: post-clearance land use must be monitored. In
                    several programmes, land cleared for "village use" ended
                    up sold or grabbed within two years. A light
                    post-clearance survey after one season is enough.
                """),
            },
            {
                "expert": "f.rahimi@example.org",
                "body": _md("""
                    I would add the political-economy lens, because
                    prioritisation decides who recovers first and that will
                    be remembered.

                    **Who benefits is visible.** In Iraq after 2017, clearance
                    and rubble removal in some districts followed the
                    influence of local power brokers, and communities noticed
                    which neighbourhoods went first. A simple, published
                    scoring method, applied to all requests, is your best
                    protection. Publish the list and the scores on the
                    administration's website and at the village council
                    level, and allow a short window for objections.

                    **Watch the land market.** Cleared land rises in value.
                    Where tenure is informal (unregistered leases, land held
                    by elderly owners who have left), clearance can trigger
                    consolidation by larger holders. Check ownership and use
                    rights before clearance and record who is using the land;
                    this is a conflict-sensitivity step, not bureaucracy.

                    **Involve the users, not only the councils.** Village
                    councils in frontline areas may be depopulated or acting
                    without full membership. A short survey of land users,
                    including women who now farm in place of men who are
                    mobilised, gives a more accurate picture than council
                    requests alone.

                    Finally, be transparent about what the humanitarian queue
                    will not cover this season. Clear messages about timing
                    ("your area is scheduled for survey in quarter three")
                    reduce the risk of farmers clearing land themselves,
                    which is already causing casualties.
                """),
            },
        ],
        "response": {
            "title": "Transparent prioritisation of agricultural land release in mine action",
            "summary": _md("""
                A regional administration in Ukraine asked how to prioritise
                release of contaminated agricultural land when requests far
                exceed capacity, and how to avoid the perception that
                prioritisation favours large agricultural companies. Experts
                recommend three shifts. First, release most land through
                survey rather than clearance, in line with IMAS 07.11:
                systematic non-technical survey of whole villages' farmland
                typically cancels a large share of suspected areas. Second,
                separate the queues: land cleared commercially by large
                companies should be quality-managed and counted, but kept out
                of the humanitarian queue, which should serve users who
                cannot buy clearance. Third, adopt a published scoring method
                with household-based criteria (dependence on the land,
                accidents, returns, access to services), modelled on
                Cambodia's participatory Mine Action Planning Units, with an
                objection window. Political-economy risks include capture by
                local power brokers, as seen in Iraq, and land consolidation
                after clearance where tenure is informal. Recording land use
                before clearance, surveying actual users including women, and
                communicating schedules clearly will reduce both grievances
                and self-clearance casualties.
            """),
            "body": _md("""
                ## The query

                A regional military administration has far more requests to
                clear agricultural land than survey and clearance capacity.
                The current scoring sheet weights economic value per
                hectare, which favours large plots. What criteria and process
                have others used, and how can prioritisation be made
                transparent to smallholders?

                ## Synthesis of responses

                1. **Survey first.** Apply IMAS 07.11: cancel and reduce
                   suspected areas through non-technical and technical survey
                   before committing clearance assets.
                2. **Two queues.** Track commercially cleared land (including
                   land under the state compensation programme) separately
                   from the humanitarian queue.
                3. **Household-based criteria.** Number of households
                   dependent on the land, accidents and near misses, need for
                   return or resettlement, access to water and services;
                   economic value measured per household.
                4. **Publish and allow objections.** Publish lists and scores
                   at regional and village level with a short objection
                   window.
                5. **Record tenure and use before clearance**, and run a light
                   post-clearance check after one season.
                6. **Consult users, not only councils**, including women now
                   farming in place of mobilised men.
                7. **Communicate schedules** to reduce self-clearance.

                ## Comparative experiences

                - **Cambodia:** Mine Action Planning Units consolidate
                  commune-level, publicly ranked requests into provincial
                  plans.
                - **Bosnia and Herzegovina and Croatia:** shift from
                  clearance-heavy programmes to evidence-based land release
                  greatly increased land returned to use per unit of cost.
                - **Iraq:** clearance sequencing that followed local
                  influence was visible to communities and fed grievances.

                ## Related resources

                - *International Mine Action Standards*, IMAS 07.11 Land
                  release, and IMAS 08.10 Non-technical survey.
                - GICHD, guidance on land release and on linking mine action
                  and development.
                - GICHD and UNDP work on mine action and land rights.

                ## Contributors

                - Hana Nakamura, Asia-Pacific Stabilisation Consortium
                - Farid Rahimi, Civilian Stabilisation Office

                Facilitated by the Joint Reach-back Facility.
            """),
            "visibility": "public",
        },
    },

    # -- 3. Published (restricted): local dialogue in central Mali ------------
    {
        "title": "Supporting community-level dialogue in central Mali without contact with proscribed groups",
        "question": _md("""
            Village chiefs and religious leaders in two cercles of the
            Ségou region have asked our programme to support "local
            arrangements" that would allow farmers to reach their fields and
            weekly markets to reopen. These arrangements inevitably involve
            indirect contact with an armed group that our donor lists as a
            terrorist organisation.

            **What can an internationally funded stabilisation programme
            legitimately and safely do to support such community-level
            dialogue, and where are the red lines, both legal and for the
            safety of the people involved?**
        """),
        "context": _md("""
            Local agreements of this kind are not new in central Mali: in
            2021 a locally negotiated arrangement in the Niono area was
            facilitated by religious leaders, and several similar
            arrangements have since been made and broken. National policy
            on dialogue with such groups has shifted several times and
            remains ambiguous. Our donor's grant agreement contains standard
            counter-terrorism clauses prohibiting "direct or indirect
            support" to listed groups.

            Our local staff are under pressure from the communities and are
            themselves at risk if they are seen to be involved or seen to
            refuse.
        """),
        "purpose": (
            "Internal guidance note for programme staff and a risk "
            "discussion with the donor's legal and security advisers."
        ),
        "country": "ML",
        "themes": ["local-mediation", "prevention", "conflict-sensitivity"],
        "priority": "urgent",
        "confidentiality": "restricted",
        "requester": "c.dembele@example.org",
        "status": "published",
        "age_days": 47,
        "needed_in_days": 10,
        "clarification": None,
        "experts": ["s.traore@example.org", "f.abdi@example.org"],
        "contributions": [
            {
                "expert": "s.traore@example.org",
                "body": _md("""
                    The useful distinction is between supporting the
                    **community side** of a dialogue and participating in
                    the dialogue itself.

                    What programmes have been able to do in central Mali
                    without crossing donor red lines:

                    - Support intra-community preparation: helping villages
                      agree among themselves (herders and farmers, different
                      lineages, women and youth) what they want to ask for
                      and what they can accept. Divided communities get
                      worse deals and the deals break sooner.
                    - Fund the livelihoods and services that make an
                      arrangement worth keeping (market infrastructure, seed,
                      water points), once the arrangement exists, and through
                      channels that do not pass any resources to the group.
                    - Support the safety of mediators: communications, safe
                      transport, a confidential channel to report threats.
                    - Document and analyse agreements (what held, what broke)
                      for the community leaders' own use.

                    What I would not do: any staff presence at meetings
                    with the group, transport of intermediaries, payments to
                    intermediaries that could be passed on, or programme
                    branding anywhere near the process.

                    Be aware that these arrangements often include terms
                    imposed by the group (zakat, dress codes, restrictions on
                    schools, sometimes a ban on cooperating with the army).
                    Your programme must not be seen to endorse those terms;
                    supporting girls' schooling, for example, may become
                    impossible in areas covered by an arrangement. That
                    trade-off has to be discussed openly with communities,
                    not discovered later.

                    Finally, religious leaders and the traditional chiefs
                    carry the real risk. Their priorities about exposure
                    should override the programme's wish to be involved.
                """),
            },
            {
                "expert": "f.abdi@example.org",
                "body": _md("""
                    Somalia offers a long experience of exactly this
                    dilemma: clan elders routinely negotiate with Al-Shabaab
                    over access, taxation and the movement of people, and
                    international programmes have had to work around it.

                    Three lessons that may transfer:

                    1. **Get the legal analysis in writing, early.** Donor
                       counter-terrorism clauses are often interpreted more
                       narrowly by lawyers than by programme staff fear. UN
                       Security Council Resolution 2664 (2022) introduced a
                       humanitarian exemption to UN asset-freeze regimes,
                       and several donors have since clarified their own
                       rules. Stabilisation programmes are usually *not*
                       covered by humanitarian exemptions, which is why
                       you need a specific written view on community
                       preparation and post-agreement support.
                    2. **Never ask local staff to decide alone.** In Somalia,
                       the organisations that lost staff were often those
                       where field teams were left to manage contact
                       informally. A clear written rule ("we do not attend,
                       we do not carry messages, we do not pay") protects staff,
                       because they can point to it.
                    3. **Include women's groups in the community side.**
                       Women in Somalia have frequently been the ones who
                       move between areas and know what is possible. Local
                       arrangements negotiated only by male elders have
                       often traded away women's mobility.

                    Caveat: arrangements that a government later denounces
                    can expose communities to retaliation by state forces or
                    allied militias. Track the national political position
                    closely, and do not publicise any agreement.
                """),
            },
        ],
        "internal_notes": [
            "Restricted at requester's request. Do not share beyond the "
            "contributors and the requester's programme manager.",
            "Facilitator note: avoided naming the armed group in the "
            "published text.",
        ],
        "response": {
            "title": "Community-level dialogue under counter-terrorism restrictions: options and red lines",
            "summary": _md("""
                A stabilisation programme in central Mali was asked by
                community leaders to support local arrangements that involve
                indirect contact with a listed armed group. Experts advise
                distinguishing between supporting the community side of a
                dialogue, which programmes have done, and participating in
                it, which they should not. Legitimate support includes
                intra-community preparation (so that herders, farmers, women
                and youth agree their positions), protection and
                communications for mediators, analysis of past agreements for
                community leaders, and investment in services once an
                arrangement exists, through channels that cannot pass
                resources to the group. Red lines: no staff presence at
                meetings, no transport or payment of intermediaries, no
                branding. Programmes should obtain a written legal view from
                the donor early, since humanitarian exemptions such as UN
                Security Council Resolution 2664 generally do not cover
                stabilisation activities, and should give local staff a
                clear written rule to rely on. Arrangements often include
                terms imposed by the group, which may make some programme
                activities impossible, and can expose communities to
                retaliation if national policy shifts.
            """),
            "body": _md("""
                ## The query

                Community leaders in two cercles of the Ségou region asked
                the programme to support local arrangements allowing access
                to fields and markets. These involve indirect contact with a
                group listed by the donor. What can the programme do, and
                where are the legal and safety red lines?

                ## Synthesis of responses

                **Possible, with a written legal view from the donor:**

                - intra-community preparation and consensus-building;
                - mediator safety (communications, transport, threat
                  reporting);
                - documentation and analysis of past arrangements for
                  communities' own use;
                - post-arrangement investment in markets, water and
                  livelihoods through controlled channels.

                **Red lines:** staff attendance at meetings with the group;
                carrying messages; transport or payment of intermediaries;
                programme branding near the process; endorsing terms imposed
                by the group.

                **Risk management:** a written internal rule that local staff
                can point to; women's groups included on the community side;
                close monitoring of the national political position; no
                publicity.

                ## Comparative experiences

                - **Central Mali:** locally negotiated arrangements, such as
                  the 2021 arrangement in the Niono area facilitated by
                  religious leaders, have repeatedly been made and broken;
                  divided communities get weaker terms.
                - **Somalia:** long practice of elder-negotiated access with
                  Al-Shabaab; organisations that left staff to manage contact
                  informally bore the highest risks.

                ## Related resources

                - UN Security Council Resolution 2664 (2022) on humanitarian
                  exemptions to asset-freeze measures.
                - UN, *Guidance for Effective Mediation* (2012).
                - Conciliation Resources, *Accord* issues on engagement with
                  armed groups.

                ## Contributors

                - Seydou Traoré, Sahel Governance Partners
                - Fadumo Abdi Warsame, Horn Community Dialogue Network

                Facilitated by the Joint Reach-back Facility.
            """),
            "visibility": "restricted",
        },
    },

    # -- 4. Published (community): customary and formal justice for land ------
    {
        "title": "Linking customary (xeer) and formal justice for land disputes in newly recovered areas",
        "question": _md("""
            In districts recently recovered from Al-Shabaab in Hiraan and
            Middle Shabelle, land disputes are multiplying as displaced
            families return and clan militias that fought alongside the
            government claim land. The district courts barely function;
            elders resolve most disputes under xeer, but their decisions are
            not recorded and are often contested.

            **What models have worked for connecting customary dispute
            resolution to the formal system on land, so that decisions are
            recorded, fair to minority clans and women, and enforceable?**
        """),
        "context": _md("""
            The federal Traditional Dispute Resolution policy provides a
            framework, and there are Alternative Dispute Resolution (ADR)
            centres in some state capitals, but none in these districts.
            People tell us that one reason Al-Shabaab courts had authority
            was that they decided land cases quickly and enforced the
            decisions. The state Ministry of Justice wants to pilot
            something in two districts within the year.
        """),
        "purpose": (
            "Design of a two-district pilot with the state Ministry of "
            "Justice and the district commissioners; concept note to donors."
        ),
        "country": "SO",
        "themes": ["customary-justice", "access-to-justice",
                   "natural-resources-and-land"],
        "priority": "normal",
        "confidentiality": "community",
        "requester": "g.achieng@example.org",
        "status": "published",
        "age_days": 76,
        "needed_in_days": 30,
        "clarification": {
            "question": (
                "Is the Ministry open to elders' decisions being reviewed "
                "by a court, or does it want a fully customary mechanism "
                "with registration only?"
            ),
            "reply": (
                "The Ministry wants registration plus a right of appeal to "
                "the district court, but does not want the court to "
                "re-hear every case."
            ),
        },
        "experts": ["f.abdi@example.org", "s.traore@example.org"],
        "contributions": [
            {
                "expert": "f.abdi@example.org",
                "body": _md("""
                    The ADR centres supported under the Traditional Dispute
                    Resolution policy are the obvious starting point, and the
                    experience from Puntland, Somaliland and Jubaland is
                    mixed but instructive.

                    **What worked:** panels of elders drawn from several
                    clans, sitting at a known place on known days, with a
                    registrar who writes down the parties, the decision and
                    the compensation agreed. A copy goes to both parties and
                    to the district. That simple record is what turns an
                    elders' decision into something a court or a district
                    commissioner can later enforce.

                    **What did not:** panels dominated by the majority clan
                    of the district, which minority and displaced families
                    quickly learned to avoid; and centres that depended
                    entirely on donor-paid sitting allowances, which closed
                    when funding ended.

                    For land specifically, in recovered areas:

                    - Separate **ownership** disputes (which often need
                      documents, witnesses from outside the district and
                      sometimes the court) from **use and boundary**
                      disputes, which elders resolve well.
                    - Put a minority-clan elder and a woman paralegal on
                      every panel. Under xeer women usually do not sit as
                      elders, but a paralegal who can advise women parties
                      and check that inheritance under Sharia is respected
                      has been accepted in several places.
                    - Agree in advance with the clan militias' leaders that
                      claims arising from the fighting go to a separate,
                      slower process. If they are heard first, they will
                      capture the mechanism.

                    Speed matters: Al-Shabaab courts decided in days. A
                    mechanism that takes months will lose.
                """),
            },
            {
                "expert": "s.traore@example.org",
                "body": _md("""
                    Comparable efforts in the Sahel and elsewhere in Africa
                    point in the same direction as Fadumo's contribution.

                    In Mali, the *commissions foncières* (land commissions)
                    created under the 2017 agricultural land law were meant
                    to document customary land rights and conciliate
                    disputes at commune level before any court case. Where
                    they were set up with genuine representation of herders
                    and farmers, they reduced the number of disputes turning
                    violent; where they were captured by the village chief's
                    lineage, they made things worse.

                    In Sierra Leone and Liberia, community paralegal
                    programmes (for example those run by Timap for Justice
                    and later by Namati) helped communities document
                    customary land claims and negotiate with companies and
                    authorities. Liberia's 2018 Land Rights Act now
                    recognises customary land ownership, which gives such
                    records legal weight.

                    Practical recommendations for the pilot:

                    1. Define the appeal clearly: the court reviews only
                       whether the process was fair (parties heard, panel
                       composition respected, no coercion), not the merits.
                       That matches the Ministry's wish.
                    2. Register decisions in a simple bound register and a
                       photograph, not a database, at first.
                    3. Fund the registrar and the premises through the
                       district budget from day one, even if small, so the
                       mechanism is not seen as a project.
                    4. Monitor who uses the mechanism, by clan, gender and
                       displacement status, every quarter.
                """),
            },
        ],
        "response": {
            "title": "Connecting customary and formal justice for land disputes in recovered areas of Somalia",
            "summary": _md("""
                An adviser supporting a Somali state Ministry of Justice asked
                how to connect xeer-based dispute resolution to the formal
                system for land disputes in districts recently recovered from
                Al-Shabaab. Experts recommend building on the ADR centres of
                the Traditional Dispute Resolution policy, with multi-clan
                panels sitting at known times, a registrar recording parties,
                decisions and compensation, and copies to both parties and
                the district. Panels should include a minority-clan elder
                and a woman paralegal. Ownership disputes should be separated
                from use and boundary disputes, and claims arising from the
                fighting, including those of clan militias, should follow a
                separate process so that they do not capture the mechanism.
                The district court should review only procedural fairness,
                not the merits. Comparative experience from land commissions
                in Mali and community paralegal programmes in Sierra Leone
                and Liberia shows the value of documentation and genuine
                representation, and the risk of capture by dominant lineages.
                Speed matters: Al-Shabaab courts derived authority from quick
                and enforced decisions. Sitting allowances and premises
                should be funded through the district from the outset.
            """),
            "body": _md("""
                ## The query

                In recovered districts of Hiraan and Middle Shabelle, land
                disputes are rising with returns and with claims by clan
                militias. Elders resolve most disputes under xeer but
                decisions are unrecorded and contested. How can customary
                resolution be linked to the formal system so that decisions
                are recorded, fair and enforceable?

                ## Synthesis of responses

                - **Start from the TDR policy and ADR centre model**, adapted
                  to district level.
                - **Composition:** multi-clan panels with at least one
                  minority-clan elder; a woman paralegal to advise women
                  parties and check inheritance rights.
                - **Record everything simply:** a registrar, a bound register,
                  copies to parties and to the district.
                - **Triage cases:** use and boundary disputes to elders;
                  ownership disputes needing documents or outside witnesses
                  to a slower track; conflict-related claims to a separate
                  process.
                - **Appeal on procedure only:** the district court reviews
                  fairness of process, not the merits.
                - **Be fast**, and fund the registrar and premises through
                  the district budget from the start.
                - **Monitor users** by clan, gender and displacement status.

                ## Comparative experiences

                - **Puntland, Somaliland, Jubaland:** ADR centres work where
                  panels are multi-clan and decisions recorded; they close
                  when allowances depend on donors.
                - **Mali:** land commissions under the 2017 agricultural land
                  law reduced violent disputes where representative, worsened
                  them where captured.
                - **Sierra Leone and Liberia:** community paralegals
                  documenting customary land claims; Liberia's 2018 Land
                  Rights Act recognises customary ownership.

                ## Related resources

                - Federal Government of Somalia, Traditional Dispute
                  Resolution (TDR) policy.
                - UN-Habitat and partners, work on land and property rights
                  in Somalia.
                - Namati, *Community Land Protection* facilitator's guide.

                ## Contributors

                - Fadumo Abdi Warsame, Horn Community Dialogue Network
                - Seydou Traoré, Sahel Governance Partners

                Facilitated by the Joint Reach-back Facility.
            """),
            "visibility": "community",
        },
    },

    # -- 5. Published (community): electoral security in a divided system -----
    {
        "title": "Security planning for municipal elections when security forces answer to rival authorities",
        "question": _md("""
            The next phase of municipal council elections will cover
            municipalities in both the west and the east, where police and
            armed units answer to rival governments. The electoral
            commission (HNEC) has asked international partners for advice
            on security coordination for registration, polling and results
            transfer.

            **How have other electoral processes organised security
            coordination when the security sector is divided or partly
            controlled by armed groups, and what minimum arrangements
            should HNEC insist on?**
        """),
        "context": _md("""
            Previous phases went ahead with limited incidents, but there
            were cases of polling centres closed by local armed groups and
            of intimidation of candidates. HNEC's headquarters was attacked
            in 2018, which still shapes staff perceptions. There is no
            single national security operations room; each side has its own
            structures and distrusts the other's. Disinformation about
            HNEC's neutrality circulates widely online.
        """),
        "purpose": (
            "Advice note to HNEC's security department and to the "
            "international electoral assistance coordination group."
        ),
        "country": "LY",
        "themes": ["electoral-security", "electoral-administration",
                   "mis-and-disinformation"],
        "priority": "high",
        "confidentiality": "community",
        "requester": "m.benali@example.org",
        "status": "published",
        "age_days": 58,
        "needed_in_days": 14,
        "clarification": None,
        "experts": ["h.moreau@example.org", "m.lindqvist@example.org"],
        "contributions": [
            {
                "expert": "h.moreau@example.org",
                "body": _md("""
                    The key principle from comparative practice: the
                    electoral management body leads on *what* needs
                    securing and *when*; security actors decide *how*. HNEC
                    should not try to unify the security sector, only to
                    obtain parallel, compatible commitments.

                    Models worth looking at:

                    - **Nigeria's Inter-Agency Consultative Committee on
                      Election Security (ICCES)**, chaired by the electoral
                      commission and replicated at state level, brings all
                      security agencies into one forum with a shared
                      calendar and a code of conduct. The value is less the
                      meetings than the shared list of polling units with
                      risk ratings.
                    - **Afghanistan (2009-2014)** had detailed joint
                      security planning, but also showed the danger of
                      security actors deciding which polling centres would
                      open: closures became a tool to shape turnout. HNEC
                      should keep the final say on opening and closing
                      centres, with written reasons.
                    - **DRC (2006)**, with MONUC support, used provincial
                      security plans for each phase of the process, which
                      fits a divided setting better than a national plan.

                    Minimum arrangements I would advise HNEC to insist on:

                    1. A signed commitment from each security structure to a
                       short code of conduct (no uniforms inside the centre,
                       no campaigning, protection of materials).
                    2. A shared risk map of centres, agreed with each side
                       separately if joint meetings are impossible.
                    3. A results-transfer plan with redundancy (photographs
                       of result sheets posted at the centre and sent
                       electronically) so that intercepting materials does
                       not change the outcome.
                    4. An incident-reporting channel that HNEC controls.

                    On disinformation: publish the security arrangements and
                    the list of centres early. Secrecy feeds rumours more
                    than it protects.
                """),
            },
            {
                "expert": "m.lindqvist@example.org",
                "body": _md("""
                    From the security sector side, a few additions.

                    **Map who actually controls each location.** In divided
                    settings the formal chain of command is a poor guide. For
                    each municipality, HNEC needs to know which unit will in
                    practice be present at polling centres and to whom it
                    answers. Partners with presence on the ground can help;
                    this mapping should be confidential.

                    **Separate perimeter from interior.** In Iraq's 2005
                    elections and several elections in Kosovo, the model of
                    armed security only at the outer perimeter, with unarmed
                    polling staff and police (or none) inside, reduced
                    intimidation. Libyan municipal elections are small
                    enough to make this realistic.

                    **Plan for the day after.** Most serious incidents in
                    divided systems occur around counting and results
                    announcement, not polling. Security arrangements must
                    cover the tally centres and the announcement period,
                    with an agreed procedure if a group contests results by
                    force (suspension, recount under observation), rather
                    than improvisation.

                    **Coordinate the internationals.** Different partners
                    talking to different security structures with different
                    messages undermines HNEC. One coordinated line through
                    the electoral assistance group is worth the effort.

                    Caveat: do not present any of this as security sector
                    reform or unification. The moment it looks like a step
                    towards merging forces, one side will withdraw.
                """),
            },
        ],
        "response": {
            "title": "Electoral security coordination in a divided security sector: options for HNEC",
            "summary": _md("""
                Libya's electoral commission (HNEC) sought advice on security
                coordination for municipal elections in areas where security
                forces answer to rival authorities. Experts advise that HNEC
                should define what must be secured and when, leaving
                security actors to decide how, and should seek parallel,
                compatible commitments from each side rather than unified
                command. Models include Nigeria's Inter-Agency Consultative
                Committee on Election Security (a shared forum and risk-rated
                list of polling units), provincial security plans used in the
                DRC in 2006, and the perimeter-only armed presence used in
                Iraq and Kosovo. Afghanistan's experience warns against
                letting security actors decide which centres open. Minimum
                arrangements: a signed code of conduct from each security
                structure, a shared (confidential) risk and control map,
                redundant results transfer with result sheets photographed
                and posted at each centre, HNEC-controlled incident
                reporting, and a pre-agreed procedure for counting-period
                incidents. Publishing arrangements early counters
                disinformation. International partners should speak with one
                voice, and the effort must not be framed as security sector
                unification.
            """),
            "body": _md("""
                ## The query

                HNEC asked for advice on security coordination for the next
                phase of municipal elections, covering areas where police and
                armed units answer to rival governments and there is no
                single security operations room.

                ## Synthesis of responses

                1. **Division of labour:** HNEC decides what is secured and
                   when; security actors decide how. HNEC keeps the final say
                   on opening or closing centres, with written reasons.
                2. **Parallel commitments:** a short signed code of conduct
                   from each security structure.
                3. **Confidential control map:** which unit is actually
                   present at each centre and to whom it answers.
                4. **Perimeter, not interior:** armed presence only outside
                   the centre.
                5. **Results integrity:** result sheets posted at the centre
                   and photographed and transmitted.
                6. **Counting and announcement period** covered explicitly,
                   with a pre-agreed procedure for forcible contestation.
                7. **Transparency against disinformation:** publish centres
                   and arrangements early.
                8. **One international voice** through the electoral
                   assistance group; avoid any SSR or unification framing.

                ## Comparative experiences

                - **Nigeria:** ICCES at national and state level, chaired by
                  the electoral commission.
                - **DRC (2006):** provincial security plans per phase, with
                  MONUC support.
                - **Iraq (2005) and Kosovo:** perimeter security model.
                - **Afghanistan (2009-2014):** joint planning, but centre
                  closures decided by security actors shaped turnout.

                ## Related resources

                - UNDP, *Elections and Conflict Prevention: A Guide to
                  Analysis, Planning and Programming* (2009).
                - International IDEA, Electoral Risk Management Tool.
                - ACE Electoral Knowledge Network, topic area on electoral
                  security.

                ## Contributors

                - Hélène Moreau, Transitions Advisory Group
                - Magnus Lindqvist, Nordic Centre for Crisis Management

                Facilitated by the Joint Reach-back Facility.
            """),
            "visibility": "community",
        },
    },

    # -- 6. Published (public): survivor-centred support to mobile courts -----
    {
        "title": "Making mobile court hearings on sexual violence survivor-centred",
        "question": _md("""
            Our programme co-funds mobile court sessions in territories of
            South Kivu, including hearings on conflict-related sexual
            violence. Survivors' organisations tell us that testifying has
            exposed some women to stigma and threats, and that reparations
            awarded by the courts are almost never paid.

            **What practices have made mobile courts and CRSV prosecutions
            more survivor-centred, and what can a programme realistically do
            about unpaid reparations?**
        """),
        "context": _md("""
            Mobile courts in South Kivu have been supported by several
            international partners for more than a decade, and some have
            produced landmark judgments, including convictions for crimes
            against humanity. MONUSCO's Prosecution Support Cells assisted
            military justice until the mission's withdrawal from South Kivu
            in 2024, and that support has not been fully replaced. Our
            programme funds logistics, lawyers and psychosocial workers.
        """),
        "purpose": (
            "Redesign of the justice component for the next programme phase "
            "and a discussion with the provincial military prosecutor."
        ),
        "country": "CD",
        "themes": ["conflict-related-sexual-violence", "courts",
                   "gbv-prevention"],
        "priority": "normal",
        "confidentiality": "community",
        "requester": "member@example.org",
        "status": "published",
        "age_days": 97,
        "needed_in_days": 45,
        "clarification": None,
        "experts": ["e.njoroge@example.org", "d.kovacevic@example.org"],
        "contributions": [
            {
                "expert": "e.njoroge@example.org",
                "body": _md("""
                    Survivor-centred means the process adapts to the
                    survivor, not the reverse. For mobile courts, in
                    practice:

                    **Before the hearing.** Informed consent to testify that
                    is revisited, not obtained once; a clear explanation of
                    what the trial can and cannot deliver (including the
                    honest likelihood that reparations will not be paid);
                    accompaniment by the same psychosocial worker from
                    intake to after the verdict. Holistic "one-stop" models
                    in eastern DRC, which combine medical care, psychosocial
                    support, legal aid and economic support, show that
                    survivors are much more willing to pursue justice when
                    the other needs are met first.

                    **During the hearing.** Protective measures exist in
                    Congolese law and have been used in major cases: closed
                    hearings, pseudonyms, testimony behind screens or with
                    voice alteration. Mobile courts sometimes skip them
                    because of logistics. Make them a funding condition and
                    budget for them.

                    **After the hearing.** Stigma and reprisals peak after
                    the verdict, when the court leaves. Keep follow-up visits
                    for at least six months, and link survivors to community
                    groups or livelihood support that does not identify them
                    as survivors.

                    Be careful that prosecutions do not become the only
                    measure of success. Many survivors want acknowledgement,
                    health care and economic security more than a trial. The
                    programme should track survivor-defined outcomes, not
                    just the number of convictions.

                    Also consider men and boys: male survivors exist in
                    eastern DRC and are almost absent from mobile court
                    caseloads.
                """),
            },
            {
                "expert": "d.kovacevic@example.org",
                "body": _md("""
                    On reparations, there is no easy answer, but comparative
                    experience suggests what a programme can do.

                    Congolese courts regularly award damages against
                    convicted individuals and, in some cases, hold the state
                    jointly liable (*in solidum*) where perpetrators were
                    soldiers. Judgments against the state are rarely
                    executed; individual perpetrators are usually insolvent.
                    Court-awarded reparations are therefore mostly symbolic
                    unless there is an administrative route.

                    Options:

                    1. **Support the administrative route.** The DRC adopted
                       a law on the protection of and reparation for victims
                       of CRSV in 2022 and has since set up a national
                       reparations fund (FONAREV). Helping survivors register
                       with the fund, with copies of judgments, is concrete
                       and within a programme's reach.
                    2. **Interim relief.** The Global Survivors Fund has
                       piloted interim reparative measures in several
                       countries, including the DRC. These do not replace
                       state reparations but show survivors that the
                       judgment had value.
                    3. **Document execution.** Track every award and its
                       status. Aggregated data on unpaid awards is a strong
                       advocacy tool with the government and donors.

                    From Bosnia and Herzegovina: courts there eventually
                    began awarding compensation within criminal proceedings
                    (from 2015), instead of sending survivors to separate
                    civil suits. That change came from sustained pressure by
                    survivors' associations and lawyers. Supporting the
                    organisations that represent survivors is part of the
                    answer.
                """),
            },
        ],
        "response": {
            "title": "Survivor-centred mobile courts for conflict-related sexual violence in eastern DRC",
            "summary": _md("""
                A programme co-funding mobile court sessions in South Kivu
                asked how to make CRSV hearings more survivor-centred and
                what to do about court-awarded reparations that are almost
                never paid. Experts recommend treating the survivor's needs
                as the organising principle: consent that is revisited,
                honest explanation of likely outcomes, continuous
                accompaniment by the same psychosocial worker, and holistic
                support (medical, psychosocial, legal, economic) as offered by
                one-stop models in eastern DRC. Protective measures provided
                for in Congolese law (closed hearings, pseudonyms, screens,
                voice alteration) should be a funding condition, and
                follow-up should continue for at least six months after the
                court leaves, when reprisals peak. Programmes should measure
                survivor-defined outcomes, not only convictions, and
                include male survivors. On reparations, damages awarded
                against insolvent individuals or the state are rarely paid;
                the most practical route is supporting survivors to register
                with the national reparations fund (FONAREV) established
                after the 2022 law, together with interim reparative
                measures and systematic tracking of unpaid awards as an
                advocacy tool. Support to survivors' associations is
                essential, as Bosnia and Herzegovina's experience shows.
            """),
            "body": _md("""
                ## The query

                Mobile court sessions in South Kivu, co-funded by the
                programme, have exposed some survivors to stigma and threats,
                and reparations awarded are rarely paid. What makes mobile
                courts more survivor-centred, and what can be done about
                reparations?

                ## Synthesis of responses

                **Before the hearing:** revisited informed consent; honest
                explanation of outcomes; continuous accompaniment; holistic
                support first.

                **During the hearing:** protective measures (closed hearings,
                pseudonyms, screens, voice alteration) budgeted and required.

                **After the hearing:** at least six months of follow-up;
                discreet links to community and livelihood support.

                **Measurement:** survivor-defined outcomes alongside
                convictions; attention to male survivors.

                **Reparations:** support registration with the national
                reparations fund; interim reparative measures; track every
                award and its execution; support survivors' associations.

                ## Comparative experiences

                - **Eastern DRC:** mobile courts have produced landmark
                  judgments, including for crimes against humanity; one-stop
                  centres have increased survivors' willingness to pursue
                  justice. MONUSCO's Prosecution Support Cells supported
                  military justice until the mission left South Kivu.
                - **Bosnia and Herzegovina:** courts began awarding
                  compensation within criminal proceedings from 2015,
                  following pressure from survivors' organisations.
                - **Global Survivors Fund:** interim reparative measures in
                  several countries, including the DRC.

                ## Related resources

                - *International Protocol on the Documentation and
                  Investigation of Sexual Violence in Conflict* (2nd ed.,
                  2017).
                - UN Secretary-General, *Guidance Note on Reparations for
                  Conflict-Related Sexual Violence* (2014).
                - WHO, *Ethical and safety recommendations for researching,
                  documenting and monitoring sexual violence in emergencies*
                  (2007).

                ## Contributors

                - Esther Wambui Njoroge, East African Centre for Conflict and
                  Security Studies
                - Dragana Kovačević, Balkan Institute for Justice and
                  Reconciliation

                Facilitated by the Joint Reach-back Facility.
            """),
            "visibility": "public",
        },
    },

    # -- 7. Published (community): measuring sustainable returns --------------
    {
        "title": "Measuring whether returns are sustainable in post-ISIL stabilisation areas",
        "question": _md("""
            Our stabilisation programme in Ninewa reports the number of
            people who have returned to areas where we rehabilitated
            infrastructure. Donors now ask whether returns are
            *sustainable*, and we have seen secondary displacement from some
            of the same villages.

            **What indicators and data sources have other programmes used
            to measure sustainable returns and social cohesion, and how can
            we add this to our monitoring framework without a large survey
            budget?**
        """),
        "context": _md("""
            We currently track returnee numbers (from IOM's Displacement
            Tracking Matrix), projects completed and beneficiaries of
            cash-for-work. We have no data on whether people stay, whether
            services keep functioning after handover, or on relations
            between returning and remaining communities, including families
            perceived as affiliated with ISIL. Our M&E budget for the next
            year is about 4% of the programme.
        """),
        "purpose": (
            "Revision of the programme results framework ahead of the "
            "mid-term review."
        ),
        "country": "IQ",
        "themes": ["displacement-and-returns", "metrics-and-indicators",
                   "reconstruction"],
        "priority": "normal",
        "confidentiality": "community",
        "requester": "m.benali@example.org",
        "status": "published",
        "age_days": 115,
        "needed_in_days": 30,
        "clarification": None,
        "experts": ["f.rahimi@example.org", "h.nakamura@example.org"],
        "contributions": [
            {
                "expert": "f.rahimi@example.org",
                "body": _md("""
                    Returnee numbers measure a moment; sustainability is
                    about conditions and trajectories. You do not need a
                    large survey to improve on that, because much of the
                    data already exists.

                    **Use what IOM already collects.** IOM Iraq's *Return
                    Index* scores return locations on two dimensions,
                    livelihoods and basic services, and social cohesion and
                    safety, using key informants at location level. It is
                    updated regularly. Mapping your project locations
                    against the index, and tracking whether their severity
                    rating changes, gives you a sustainability proxy at no
                    cost.

                    **Use the durable solutions framework.** The IASC
                    Framework on Durable Solutions for Internally Displaced
                    Persons (2010) sets eight criteria, and the
                    Interagency Durable Solutions Indicator Library (JIPS)
                    offers tested indicators. Pick four or five: safety and
                    security, adequate standard of living, access to
                    livelihoods, housing, land and property, and access to
                    documentation.

                    **Add a few cheap measures of your own:**

                    - service functionality six and twelve months after
                      handover (is the water plant running, are teachers
                      present?), through spot checks;
                    - re-displacement, through the same key informants;
                    - a short perception module (trust in local
                      authorities, feeling of safety, willingness to let
                      children attend school with other communities) added
                      to existing post-distribution monitoring calls.

                    Be careful with the "perceived affiliation" dimension.
                    Asking about it directly can endanger respondents;
                    ask about access to documentation and freedom of
                    movement instead, which are good proxies.
                """),
            },
            {
                "expert": "h.nakamura@example.org",
                "body": _md("""
                    Two additions from the reconstruction side.

                    **Sequencing matters more than volume.** In Ninewa and
                    Anbar, the UNDP Funding Facility for Stabilization
                    rehabilitated large amounts of infrastructure quickly
                    after 2015. Evaluations and field studies found that
                    returns depended less on how much was rebuilt than on
                    whether a few conditions were met together: explosive
                    hazard clearance of homes, electricity and water,
                    functioning schools, and security arrangements that
                    returnees trusted. Your indicators should therefore look
                    at whether the package is complete in each location,
                    not at the count of projects.

                    **Track housing, land and property.** Secondary
                    displacement in Sinjar and the Ninewa Plains has often
                    been linked to unresolved property claims and to
                    destroyed homes that were never compensated. A simple
                    indicator: proportion of returning households living in
                    their own, habitable home.

                    For social cohesion more broadly, the SCORE index
                    (Social Cohesion and Reconciliation Index) has been used
                    in Iraq and several other contexts. A full SCORE study is
                    expensive, but its question sets are public and can be
                    adapted.

                    Caveat on attribution: a stabilisation programme will
                    not be able to claim that returns are sustained *because
                    of* its projects. Frame the indicators as monitoring of
                    the conditions your projects are meant to contribute to,
                    and agree that framing with donors now rather than at
                    the evaluation.
                """),
            },
        ],
        "response": {
            "title": "Low-cost measurement of sustainable returns and social cohesion in stabilisation programmes",
            "summary": _md("""
                A stabilisation programme in Ninewa, Iraq, asked how to
                measure whether returns are sustainable, having seen
                secondary displacement from villages where it rehabilitated
                infrastructure. Experts recommend shifting from counting
                returnees to monitoring conditions and trajectories, largely
                with existing data. IOM Iraq's Return Index already rates
                return locations on livelihoods and services and on social
                cohesion and safety; tracking changes in ratings for
                programme locations provides a free sustainability proxy.
                The IASC Framework on Durable Solutions and the Interagency
                Durable Solutions Indicator Library offer tested indicators;
                four or five are sufficient. Low-cost additions include spot
                checks on service functionality six and twelve months after
                handover, re-displacement reports from key informants, and a
                short perception module in existing monitoring calls.
                Experience from the Funding Facility for Stabilization
                suggests that returns depend on a complete package of
                conditions (clearance, utilities, schools, trusted security),
                so indicators should measure completeness per location, and
                should include housing, land and property. Questions on
                perceived ISIL affiliation should be avoided; documentation
                and freedom of movement are safer proxies. Indicators should
                be framed as contribution, not attribution.
            """),
            "body": _md("""
                ## The query

                The programme reports returnee numbers for areas where it
                rehabilitated infrastructure, but has observed secondary
                displacement. Which indicators and data sources measure
                sustainable returns and social cohesion within a modest M&E
                budget?

                ## Synthesis of responses

                - **Reuse existing data:** map programme locations against
                  IOM Iraq's Return Index and track changes in severity.
                - **Select durable-solutions indicators:** four or five from
                  the IASC framework and the JIPS indicator library.
                - **Add cheap primary data:** service functionality checks at
                  six and twelve months; re-displacement through key
                  informants; a short perception module.
                - **Measure completeness, not volume:** whether clearance,
                  utilities, schools and security are all present per
                  location.
                - **Housing, land and property:** share of returnee
                  households living in their own habitable home.
                - **Do no harm:** do not ask directly about perceived
                  affiliation; use documentation and freedom of movement.
                - **Contribution framing** agreed with donors before the
                  mid-term review.

                ## Comparative experiences

                - **Iraq (Ninewa, Anbar):** rapid rehabilitation under the
                  UNDP Funding Facility for Stabilization; returns depended
                  on combinations of conditions.
                - **Sinjar and the Ninewa Plains:** secondary displacement
                  linked to unresolved property claims.
                - **SCORE index:** used in Iraq, Ukraine, Bosnia and
                  Herzegovina and elsewhere; question sets adaptable.

                ## Related resources

                - IASC, *Framework on Durable Solutions for Internally
                  Displaced Persons* (2010).
                - JIPS, *Interagency Durable Solutions Indicator Library*.
                - IOM Iraq, *Return Index* methodology and reports.
                - OECD DAC, *Evaluating Peacebuilding Activities in Settings
                  of Conflict and Fragility* (2012).

                ## Contributors

                - Farid Rahimi, Civilian Stabilisation Office
                - Hana Nakamura, Asia-Pacific Stabilisation Consortium

                Facilitated by the Joint Reach-back Facility.
            """),
            "visibility": "community",
        },
    },

    # -- 8. Published (restricted): duty of care during a suspension ----------
    {
        "title": "Duty of care towards national staff and partners when a programme is suspended",
        "question": _md("""
            Following the suspension of our donor's cooperation with the
            government, our governance programme in Niger has been told to
            pause activities for at least three months, possibly
            permanently. We have 34 national staff and six local partner
            organisations, several working in Tillabéri.

            **What do we owe national staff and local partners in terms of
            duty of care during a suspension, and what have other
            organisations done that we could propose to our donor?**
        """),
        "context": _md("""
            International staff have been relocated. National staff
            contracts are tied to the grant; our legal adviser says we can
            terminate with notice, but that would be devastating for
            people who are known locally to have worked for a foreign-funded
            programme. Two partner staff have been questioned by security
            services. Our systems hold lists of community participants and
            staff contacts.
        """),
        "purpose": (
            "Proposal to the donor on a suspension budget and internal "
            "decisions on staff contracts, data and partner support."
        ),
        "country": "NE",
        "themes": ["staff-welfare", "deployment-logistics-and-security",
                   "conflict-sensitivity"],
        "priority": "urgent",
        "confidentiality": "restricted",
        "requester": "c.dembele@example.org",
        "status": "published",
        "age_days": 120,
        "needed_in_days": 7,
        "clarification": None,
        "experts": ["b.santoso@example.org", "f.rahimi@example.org"],
        "contributions": [
            {
                "expert": "b.santoso@example.org",
                "body": _md("""
                    Duty of care does not stop when the activities stop, and
                    the legal minimum under the employment contract is not
                    the same as the duty of care. Organisations have been
                    held to a standard of *reasonably foreseeable* risk, and
                    the risk here is foreseeable: association with a
                    suspended foreign programme.

                    What I have seen done, roughly in order of priority:

                    1. **Individual risk conversations** with each national
                       staff member and partner focal point, not a group
                       briefing. Risk differs hugely between a driver in
                       Niamey and a community facilitator in Tillabéri.
                    2. **Paid suspension rather than termination** for at
                       least the initial period, with staff released from
                       any obligation to come to the office. Several donors
                       accepted this after the 2021 events in Afghanistan
                       and the 2023 suspensions in the Sahel, especially
                       when presented as a costed, time-bound option.
                    3. **A clear communication line**: one contact person,
                       one channel, agreed code words for emergencies.
                    4. **Psychosocial support** available remotely and
                       confidentially.
                    5. **Relocation support** only where individually
                       justified and only if you can actually deliver it;
                       promising relocation you cannot deliver is worse
                       than not offering it.

                    For partners: they are often forgotten. Their staff carry
                    the same risk with fewer resources. Propose that the
                    donor allow partners to use existing grants for
                    core costs and staff salaries during the suspension.

                    Document every decision and the reasoning; if the
                    suspension becomes permanent, you will need it for the
                    closure.
                """),
            },
            {
                "expert": "f.rahimi@example.org",
                "body": _md("""
                    I will focus on data and on the political risk, which
                    in my experience are under-estimated.

                    **Data is the most immediate risk.** In Afghanistan in
                    2021, organisations discovered that participant lists,
                    payroll records, WhatsApp groups and even photos on
                    social media identified people who were then at risk.
                    Do a data inventory this week: what exists, where,
                    who has access. Delete what you do not need; move what
                    you need to systems outside the country with restricted
                    access; ask staff to review their own phones and public
                    profiles. Remove programme photos with identifiable
                    participants from websites and social media.

                    **Do not create new records of association.** Letters of
                    recommendation, certificates and staff ID cards can be
                    protective in some contexts and dangerous in others.
                    Ask staff what they want.

                    **Coordinate with other organisations.** Security
                    services questioning partner staff suggests that
                    foreign-funded programmes are being mapped as a group.
                    Share (anonymised) incident information with other
                    implementing partners and the donor, so that responses
                    are consistent.

                    **Plan the exit as well as the pause.** If the suspension
                    becomes a closure, a responsible exit includes
                    severance, references where wanted, handover of
                    community commitments (a half-built water point is a
                    grievance attached to your staff's names), and a final
                    message to communities that does not expose anyone.

                    Caveat: our information is limited and the situation can
                    change quickly. Revisit the assessment every two weeks.
                """),
            },
        ],
        "internal_notes": [
            "Urgent, restricted. Contributions received within five days; "
            "response published restricted to the requester's organisation "
            "and contributors only.",
        ],
        "response": {
            "title": "Duty of care for national staff and local partners during a programme suspension",
            "summary": _md("""
                A governance programme in Niger was paused following the
                suspension of donor cooperation, leaving national staff and
                local partners exposed through their association with a
                foreign-funded programme. Experts stress that duty of care
                extends beyond the employment contract and covers reasonably
                foreseeable risks. Priorities: individual risk conversations
                with each staff member and partner focal point; paid
                suspension rather than termination for an initial,
                time-bound and costed period, which several donors accepted
                in comparable situations in Afghanistan and the Sahel; a
                single communication channel; remote psychosocial support;
                and relocation support only where individually justified and
                deliverable. Partners should be allowed to use existing
                grants for core costs. Data is the most immediate risk: an
                inventory, deletion of unnecessary records, secure storage of
                essential ones outside the country, review of staff phones
                and public profiles, and removal of identifiable photos. New
                records of association should be created only if staff want
                them. Organisations should share anonymised incident
                information to keep responses consistent, plan a responsible
                exit in case of closure, and revisit the assessment every two
                weeks.
            """),
            "body": _md("""
                ## The query

                A governance programme in Niger with 34 national staff and
                six local partners has been told to pause for at least three
                months following suspension of donor cooperation. Two partner
                staff have been questioned by security services. What is owed
                to staff and partners, and what can be proposed to the donor?

                ## Synthesis of responses

                **Staff:** individual risk conversations; paid suspension for
                an initial period as a costed option; one communication
                channel with emergency codes; remote psychosocial support;
                relocation only when justified and deliverable.

                **Partners:** flexibility to use existing grants for salaries
                and core costs; inclusion in risk assessments and incident
                sharing.

                **Data:** immediate inventory; delete what is not needed;
                secure essential records outside the country; review phones,
                messaging groups and public profiles; remove identifiable
                photos.

                **Exit planning:** severance, references on request, handover
                of community commitments, a final communication that exposes
                no one.

                **Review** the assessment every two weeks and document
                decisions.

                ## Comparative experiences

                - **Afghanistan (2021):** participant lists, payroll data and
                  social media exposed staff and participants; donors
                  accepted paid suspension in some cases.
                - **Sahel (2023 onwards):** suspensions of cooperation after
                  coups in the region left implementing partners managing
                  similar situations.

                ## Related resources

                - GISF (formerly EISF), *Security to go: a risk management
                  toolkit for humanitarian aid agencies*.
                - GISF, guidance on duty of care and on managing the
                  security of national staff and partners.
                - ICRC and partners, *Handbook on Data Protection in
                  Humanitarian Action*.

                ## Contributors

                - Budi Santoso, Asia-Pacific Stabilisation Consortium
                - Farid Rahimi, Civilian Stabilisation Office

                Facilitated by the Joint Reach-back Facility.
            """),
            "visibility": "restricted",
        },
    },

    # -- 9. Synthesis: civilian participation in ceasefire monitoring ---------
    {
        "title": "Designs for ceasefire monitoring with civilian participation",
        "question": _md("""
            Sudanese civil society networks we work with are preparing
            proposals for the monitoring and verification mechanism of any
            future humanitarian truce or ceasefire. Their main demand is
            that civilians, including women's groups and local emergency
            response rooms, have a formal role, not just consultation.

            **What designs have given civilians a real role in ceasefire
            monitoring, what did they add, and what risks did civilian
            monitors face?**
        """),
        "context": _md("""
            Monitoring of the 2023 Jeddah commitments was weak and there was
            no functioning verification mechanism. Civil society actors
            document violations extensively, often at great personal risk,
            but their reports have no formal status. The networks want
            concrete examples to bring to the mediators and to the regional
            organisations involved.
        """),
        "purpose": (
            "Briefing paper by civil society networks to mediators; our "
            "programme supports their preparation."
        ),
        "country": "SD",
        "themes": ["ceasefires", "inclusion", "protection-of-civilians"],
        "priority": "high",
        "confidentiality": "community",
        "requester": "member@example.org",
        "status": "synthesis",
        "age_days": 34,
        "needed_in_days": 30,
        "clarification": {
            "question": (
                "Should the experts focus on nationwide ceasefire mechanisms, "
                "or also on local humanitarian pauses (for example around a "
                "besieged city)?"
            ),
            "reply": "Both, but local arrangements are the more likely near-term scenario.",
        },
        "experts": ["r.haddad@example.org", "b.santoso@example.org",
                    "e.njoroge@example.org"],
        "contributions": [
            {
                "expert": "r.haddad@example.org",
                "body": _md("""
                    Civilian roles in ceasefire monitoring fall into three
                    designs, and mediators will respond better to a proposal
                    that names one of them.

                    1. **Civilians inside the official mechanism.** The
                       monitoring bodies of several Myanmar ceasefires under
                       the 2015 Nationwide Ceasefire Agreement included
                       civilian representatives alongside the parties. In
                       practice civilians had little weight against the
                       military members, but their presence gave
                       communities a channel for complaints.
                    2. **A mandated civilian component feeding the official
                       mechanism.** In Mindanao, the International
                       Monitoring Team included a civilian protection
                       component, and the community-based *Bantay
                       Ceasefire* network of volunteer monitors reported
                       incidents that the official bodies then investigated.
                       This division of labour (civilians report, the
                       mechanism verifies) is the most transferable model.
                    3. **Independent civilian monitoring** with no formal
                       status but recognised by the mediators, which is
                       close to what Sudanese networks do now.

                    For Sudan, I would recommend asking for design 2: a
                    written provision in any agreement that the mechanism
                    must receive, log and respond to reports from named
                    civilian networks, with a public summary of findings.
                    That gives status without requiring the parties to sit
                    with civilians, which they are likely to refuse.

                    For local pauses, the Sudan experience of the 2002 Nuba
                    Mountains ceasefire, monitored by a Joint Military
                    Commission with international monitors and local
                    liaison, is worth recalling: local presence and quick
                    investigation of incidents were what kept it alive.
                """),
            },
            {
                "expert": "b.santoso@example.org",
                "body": _md("""
                    I worked alongside the monitoring arrangements in
                    Mindanao and later with unarmed civilian protection
                    teams in South Sudan. Some operational lessons.

                    **Civilians are good at early information, weak at
                    attribution.** Community monitors know within hours that
                    something happened. Determining who fired first, or
                    which unit was responsible, usually needs access,
                    forensic work and the parties' liaison officers. Design
                    the reporting format to capture what civilians can
                    reliably observe (time, place, type of incident,
                    casualties, displacement) and leave attribution to the
                    verification body.

                    **Speed of response builds credibility.** Bantay
                    Ceasefire reports mattered because the joint committees
                    could send a team quickly. A mechanism that takes weeks
                    to respond will lose civilian reporters.

                    **Unarmed civilian protection is a complement.**
                    Nonviolent Peaceforce and others have deployed unarmed
                    civilian protection teams in South Sudan and Mindanao,
                    accompanying communities and monitoring locally. In
                    Sudan, local emergency response rooms already play some
                    of this role.

                    **Logistics and communications**: monitors need
                    satellite or mesh communications when networks are cut,
                    which is now routine in Sudan, and a secure way to send
                    photos without metadata that exposes them.

                    Caveat: civilian monitors become targets once their
                    role is formalised. Names should never appear in
                    public reports and the mechanism must have a protection
                    protocol before it starts receiving reports.
                """),
            },
            {
                "expert": "e.njoroge@example.org",
                "body": _md("""
                    On women's participation and on sexual violence, which
                    ceasefire mechanisms routinely miss.

                    Ceasefire agreements rarely define conflict-related
                    sexual violence as a violation. Where they do, the
                    mechanism monitors it; where they do not, it is treated
                    as a human rights matter outside the mechanism's
                    mandate. The Sudanese networks should ask explicitly for
                    CRSV to be listed among prohibited acts, as several
                    agreements have done following Security Council
                    resolutions on women, peace and security.

                    Women's groups and emergency rooms in Sudan hold
                    information that male-dominated monitoring teams will
                    not receive: survivors do not report to soldiers. A
                    formal role for women monitors, with referral
                    arrangements to medical and psychosocial services, is
                    not only about representation but about the mechanism
                    seeing what is happening.

                    In South Sudan, the ceasefire monitoring mechanism
                    (CTSAMVM) has reported on sexual violence by the
                    parties, which created a public record and some
                    pressure on commanders. That happened because
                    monitors were instructed to look for it.

                    Risks for women monitors are specific: reprisals against
                    family members, sexual violence itself, and stigma.
                    The protection protocol should be designed with them.
                """),
            },
        ],
        "internal_notes": [
            "Draft response prepared; waiting for Rania to confirm the "
            "Myanmar paragraph before publishing.",
        ],
        "response": {
            "title": "Civilian participation in ceasefire monitoring: designs and lessons for Sudan",
            "summary": _md("""
                Sudanese civil society networks want a formal role for
                civilians, including women's groups and local emergency
                response rooms, in monitoring any future truce or
                ceasefire. Experts identify three designs: civilians inside
                the official mechanism (as in some monitoring bodies under
                Myanmar's Nationwide Ceasefire Agreement), a mandated
                civilian component that reports to the official mechanism
                for verification (as in Mindanao, where the community-based
                Bantay Ceasefire network complemented the International
                Monitoring Team), and independent monitoring recognised by
                mediators. The second design is the most transferable:
                civilians report what they can reliably observe, the
                mechanism verifies and attributes, responds quickly and
                publishes summaries. Agreements should list conflict-related
                sexual violence among prohibited acts, and women monitors
                are essential because survivors do not report to soldiers.
                Monitors need secure communications and must be protected by
                a protocol in place before reporting starts, since
                formalisation makes them targets. Local humanitarian pauses,
                the more likely near-term scenario, depend on local presence
                and rapid investigation of incidents, as the 2002 Nuba
                Mountains ceasefire showed.
            """),
            "body": _md("""
                ## The query

                Sudanese civil society networks are preparing proposals for
                a formal civilian role in monitoring and verifying a future
                truce or ceasefire, nationwide or local.

                ## Synthesis of responses

                - **Ask for a named design.** The most transferable is a
                  mandated civilian reporting component: the mechanism must
                  receive, log and respond to reports from named civilian
                  networks and publish summaries.
                - **Divide the labour.** Civilians report time, place, type
                  of incident, casualties and displacement; attribution is
                  left to the verification body.
                - **Speed of response** sustains civilian reporting.
                - **CRSV as a violation** written into the agreement; women
                  monitors and referral pathways.
                - **Protection first:** no names in public reports; secure
                  communications; a protocol in place before reporting
                  starts, designed with women monitors.

                ## Comparative experiences

                - **Mindanao (Philippines):** International Monitoring Team
                  with a civilian protection component; Bantay Ceasefire
                  volunteer network.
                - **Myanmar:** civilian representatives on monitoring bodies
                  under the 2015 Nationwide Ceasefire Agreement, with limited
                  weight.
                - **Sudan (2002):** Nuba Mountains Joint Military Commission.
                - **South Sudan:** CTSAMVM reporting on sexual violence;
                  unarmed civilian protection teams.

                ## Related resources

                - UN DPPA, *Guidance on Mediation of Ceasefires* (2022).
                - UN Security Council Resolution 1325 (2000) and subsequent
                  resolutions on women, peace and security.
                - Conciliation Resources, *Accord* issues on ceasefires and
                  civilian protection.

                ## Contributors

                - Rania Haddad, Levant Policy Lab
                - Budi Santoso, Asia-Pacific Stabilisation Consortium
                - Esther Wambui Njoroge, East African Centre for Conflict and
                  Security Studies

                Facilitated by the Joint Reach-back Facility.
            """),
            "visibility": "community",
        },
    },

    # -- 10. Synthesis: sustaining municipal community safety councils --------
    {
        "title": "Keeping municipal community safety councils alive after donor support ends",
        "question": _md("""
            Municipal Community Safety Councils and Local Public Safety
            Committees were set up across Kosovo with international support.
            In the municipalities we work with, about half now meet only
            when a donor organises the meeting, and participation from
            non-majority communities has fallen.

            **What has made local police-community safety structures
            sustainable and genuinely multi-ethnic elsewhere, and what
            should we change in our support over the next two years?**
        """),
        "context": _md("""
            The councils have a legal basis and are chaired by mayors; the
            police station commander participates. Some councils have done
            good work on traffic safety, school safety and domestic
            violence. Others have become formalities. In the north, trust
            between Kosovo Serb residents and the police has deteriorated
            sharply since 2023, and several local committees have not met
            since.
        """),
        "purpose": (
            "Redesign of the community safety component of a bilateral "
            "programme; discussion with the Ministry of Internal Affairs."
        ),
        "country": "XK",
        "themes": ["police-reform-and-community-policing", "local-governance",
                   "inclusion"],
        "priority": "low",
        "confidentiality": "community",
        "requester": "o.shevchenko@example.org",
        "status": "synthesis",
        "age_days": 41,
        "needed_in_days": 60,
        "clarification": None,
        "experts": ["expert@example.org", "m.lindqvist@example.org"],
        "contributions": [
            {
                "expert": "expert@example.org",
                "body": _md("""
                    Across very different countries, local safety forums
                    that survived had three things in common: a small budget
                    of their own, a problem they could visibly solve, and a
                    police commander who was assessed on it.

                    **Budget.** Councils that depend on a donor to pay for
                    the meeting room and refreshments are donor meetings.
                    Even a modest municipal budget line for the council's
                    own small projects (lighting, a crossing guard, a youth
                    activity) changes the dynamic: members come because
                    decisions are taken.

                    **Visible problem-solving.** Sierra Leone's Local
                    Police Partnership Boards worked best where they focused
                    on concrete local problems (market theft, motorbike
                    taxis, land disputes turning violent) and reported back
                    publicly. The problem-oriented policing method
                    (scanning, analysis, response, assessment) is simple
                    enough to teach to council members.

                    **Police incentives.** If station commanders are not
                    assessed on community engagement, the council becomes a
                    chore. The Ministry and police leadership could include
                    council participation and follow-up in commanders'
                    performance reviews.

                    On multi-ethnic participation: non-majority residents
                    attend when the council addresses *their* safety
                    concerns, not when they are invited to represent "their
                    community". Let each council agree a short list of
                    priorities with at least one raised by non-majority
                    members, and report on it.

                    Caveat: where trust in the police has collapsed, as in
                    the north, a police-chaired forum will not restore it.
                    A municipal or civil-society convened space may be a
                    necessary first step.
                """),
            },
            {
                "expert": "m.lindqvist@example.org",
                "body": _md("""
                    I worked on policing in Kosovo for several years and
                    would add the Kosovo-specific and comparative European
                    angle.

                    **Northern Ireland's Policing and Community Safety
                    Partnerships** are the closest comparator: statutory,
                    council-run, with independent members appointed through
                    an open process alongside elected councillors, and a
                    duty for the police to report to them in public. Two
                    features matter: independent members (so the forum is
                    not only party politics), and public meetings where
                    the local commander answers questions. Both were
                    designed to build cross-community confidence after the
                    1998 agreement.

                    **In Kosovo**, the OSCE mission has long supported the
                    councils and committees, and its own assessments have
                    pointed to the same weaknesses you describe. The
                    councils work best where the mayor's office has a
                    dedicated officer who prepares meetings and follows up
                    actions. Funding that position, or adding the task to an
                    existing municipal post, is cheap and effective.

                    **The north** needs a different approach for now. After
                    the 2023 events and the changes in policing there, a
                    safety forum chaired by the police will be boycotted.
                    Consider supporting informal dialogue on specific,
                    practical safety issues (school routes, traffic,
                    domestic violence services) convened by neutral actors,
                    with police attending as invited guests.

                    Finally, reduce the number of donor-supported councils
                    and go deeper in fewer municipalities. Thin support to
                    many councils is one reason so many became formalities.
                """),
            },
        ],
        "response": {
            "title": "Sustaining multi-ethnic municipal community safety councils in Kosovo",
            "summary": _md("""
                A bilateral programme in Kosovo asked how to make Municipal
                Community Safety Councils and Local Public Safety Committees
                sustainable and genuinely multi-ethnic, since many now meet
                only when donors organise them. Experts identify three
                features of surviving local safety forums: a small budget of
                their own, visible solutions to concrete local problems, and
                police commanders who are assessed on community engagement.
                Sierra Leone's Local Police Partnership Boards and Northern
                Ireland's Policing and Community Safety Partnerships offer
                useful models, notably independent members appointed through
                an open process and public meetings where commanders answer
                questions. A dedicated municipal officer to prepare meetings
                and follow up on actions is a low-cost, high-impact
                investment. Non-majority residents participate when councils
                address their own safety priorities rather than asking them
                to represent their community. In the north, where trust in
                the police has collapsed since 2023, police-chaired forums
                are unlikely to work; informal, neutrally convened dialogue
                on practical safety issues may be a first step. The
                programme should concentrate support on fewer municipalities.
            """),
            "body": _md("""
                ## The query

                About half of the community safety councils the programme
                supports in Kosovo meet only when donors organise meetings,
                and non-majority participation has fallen. What makes local
                police-community structures sustainable and multi-ethnic?

                ## Synthesis of responses

                - **Own budget:** a municipal budget line for small
                  council-decided projects.
                - **Problem-solving:** a short list of concrete local
                  priorities, including at least one raised by non-majority
                  members, with public reporting on results.
                - **Police incentives:** council participation and follow-up
                  included in station commanders' performance reviews.
                - **Secretariat:** a dedicated municipal officer.
                - **Openness:** independent members and public meetings.
                - **Different approach in the north:** neutrally convened
                  dialogue on practical issues, police as invited guests.
                - **Depth over breadth:** fewer councils, deeper support.

                ## Comparative experiences

                - **Sierra Leone:** Local Police Partnership Boards focused on
                  concrete local problems.
                - **Northern Ireland:** Policing and Community Safety
                  Partnerships with independent members and public
                  accountability sessions.
                - **Kosovo:** OSCE-supported councils perform best where
                  mayors' offices provide follow-up capacity.

                ## Related resources

                - OSCE, *Good Practices in Building Police-Public
                  Partnerships* (2008).
                - DCAF, *SSR Backgrounder* series (police and policing).
                - UNODC, *Handbook on police accountability, oversight and
                  integrity* (2011).

                ## Contributors

                - Idrissa Nadembega, Sahel Governance Partners
                - Magnus Lindqvist, Nordic Centre for Crisis Management

                Facilitated by the Joint Reach-back Facility.
            """),
            "visibility": "public",
        },
    },

    # -- 11. Synthesis: safeguards for community-based disengagement ----------
    {
        "title": "Safeguards for community-based reception of people leaving armed groups",
        "question": _md("""
            In two provinces of the Centre-Nord and Est regions, young men
            are leaving armed groups and returning to their villages,
            sometimes through informal arrangements with local leaders and
            sometimes handing themselves in to the authorities. There is no
            clear national legal framework for their status, and the VDP
            (Volontaires pour la Défense de la Patrie) are suspicious of
            returnees.

            **What minimum safeguards (legal, protection, community) should
            be in place before an international programme supports
            community-based reception and reintegration of people leaving
            armed groups, and what have neighbouring countries done?**
        """),
        "context": _md("""
            Communities want to receive some of their sons back but fear
            reprisals from both the armed groups and the VDP. Some of those
            leaving were recruited as children. Our programme supports
            social cohesion and local governance; we are being asked by
            municipal councils to help with reception. We have not engaged
            yet.
        """),
        "purpose": (
            "Internal go/no-go decision and, if go, a concept for a small "
            "pilot to discuss with the donor and authorities."
        ),
        "country": "BF",
        "themes": ["disengagement-and-rehabilitation", "justice-responses",
                   "children-associated-with-armed-forces"],
        "priority": "high",
        "confidentiality": "restricted",
        "requester": "c.dembele@example.org",
        "status": "synthesis",
        "age_days": 27,
        "needed_in_days": 30,
        "clarification": None,
        "experts": ["s.traore@example.org", "a.mensah@example.org"],
        "contributions": [
            {
                "expert": "s.traore@example.org",
                "body": _md("""
                    I would treat this as a **no-go until three conditions
                    are met**, and then a careful go.

                    1. **A written position from the authorities.** Without
                       a legal framework, anyone you support may later be
                       arrested, and your programme would have helped
                       identify them. At minimum, a written agreement with
                       the governor and the prosecutor on how returnees will
                       be treated (screening, who decides on prosecution,
                       where people stay in the meantime).
                    2. **Separation of children.** Anyone under 18 at the
                       time of leaving must be handed over to child
                       protection actors, not processed as an adult. Niger
                       and Nigeria have signed handover protocols with the
                       UN for children encountered by security forces;
                       Burkina Faso should be encouraged to do the same.
                    3. **A community process that includes victims.** The
                       families of people killed by the armed group are
                       often in the same village. Reception without their
                       involvement produces revenge.

                    Neighbouring experience: Niger's **Goudoumaria** centre
                    in Diffa received people leaving Boko Haram factions
                    under an offer from the government from 2016. It
                    provided a legal route and vocational training, but
                    people stayed far longer than planned, and community
                    reintegration afterwards was the weak part. In
                    Nigeria, **Operation Safe Corridor** and later the Borno
                    State model handled far larger numbers, and have been
                    criticised for weak screening and for tensions with
                    victims' communities.

                    In Burkina Faso, the relationship with the VDP is the
                    specific risk. Any process that the VDP see as
                    rewarding former fighters will fail. Bring VDP
                    leaders into the community process from the start.
                """),
            },
            {
                "expert": "a.mensah@example.org",
                "body": _md("""
                    A DDR perspective: this is not DDR in the classic sense
                    (there is no peace agreement and no group
                    demobilising), and the 2019 revision of the **IDDRS**
                    explicitly addresses DDR in settings without peace
                    agreements and engagement with people leaving groups
                    designated as terrorist. Module 2.11 on the legal
                    framework and the guidance on screening are directly
                    relevant.

                    Key safeguards from that guidance and from practice in
                    Somalia and the Lake Chad Basin:

                    - **Screening is a legal process**, not a programme
                      activity. It must be done by competent authorities,
                      with legal safeguards, and programmes should not hold
                      or share lists outside that process.
                    - **No deprivation of liberty without legal basis.**
                      Centres where people stay "voluntarily" but cannot
                      leave are detention, with the legal obligations that
                      follow. Somalia's rehabilitation centres for
                      defectors faced exactly this criticism.
                    - **Distinguish categories.** Former fighters, people
                      who provided logistics, abducted women and children
                      and their families have different needs and risks.
                    - **Community-based, not centre-based, where
                      possible**, but with community violence reduction
                      activities that benefit the whole village so that
                      returnees are not the only ones rewarded.

                    The **Lake Chad Basin Commission's Regional Strategy for
                    the Stabilization, Recovery and Resilience** (2018)
                    includes a pillar on screening, prosecution,
                    rehabilitation and reintegration, which can help frame
                    the discussion with authorities. Burkina Faso is not
                    part of the Lake Chad Basin, but the principles travel.

                    Start small: one commune, a few cases, with close
                    monitoring.
                """),
            },
        ],
        "internal_notes": [
            "Seydou is away from next week; his contribution is in. Draft "
            "response ready for requester review.",
        ],
        "response": {
            "title": "Minimum safeguards before supporting community-based reception of people leaving armed groups",
            "summary": _md("""
                A programme in Burkina Faso was asked by municipal councils
                to help receive young men leaving armed groups, in the
                absence of a clear national legal framework and amid
                suspicion from the Volontaires pour la Défense de la Patrie
                (VDP). Experts advise a conditional approach: no engagement
                until the authorities provide a written position on how
                returnees will be treated, children are systematically
                handed over to child protection actors, and a community
                process involving victims' families is in place. Screening
                is a legal process for competent authorities, not a
                programme activity; programmes should not hold or share lists
                of returnees. Centres that people cannot leave amount to
                detention and require a legal basis. Different categories
                (fighters, logistical supporters, abducted women and
                children) have different needs. Community-based approaches
                are preferable, combined with community-wide benefits so
                returnees are not seen as rewarded. Niger's Goudoumaria
                centre and Nigeria's Operation Safe Corridor show the value
                of a legal route and the difficulty of community
                reintegration. VDP leaders should be included from the
                start. The 2019 IDDRS and the Lake Chad Basin regional
                stabilisation strategy offer relevant frameworks. A small
                pilot in one commune is recommended.
            """),
            "body": _md("""
                ## The query

                Young men are leaving armed groups and returning to villages
                in two regions of Burkina Faso. There is no clear legal
                framework for their status, and the VDP are suspicious. What
                minimum safeguards should precede programme support?

                ## Synthesis of responses

                **Conditions before engagement:**

                1. a written position from the governor and prosecutor on
                   treatment of returnees;
                2. systematic handover of under-18s to child protection
                   actors;
                3. a community process that includes victims' families and
                   VDP leaders.

                **Principles:** screening is a legal process for authorities;
                no lists held or shared by the programme; no deprivation of
                liberty without legal basis; distinguish categories of
                returnees; community-wide benefits.

                **Approach:** a small pilot in one commune with close
                monitoring.

                ## Comparative experiences

                - **Niger:** Goudoumaria centre (Diffa) from 2016, legal
                  route and training; weak community reintegration phase.
                - **Nigeria:** Operation Safe Corridor and the Borno model,
                  large numbers, criticised for weak screening and tensions
                  with victims.
                - **Somalia:** defector rehabilitation centres criticised for
                  de facto detention.
                - **Niger and Nigeria:** handover protocols for children
                  encountered by security forces.

                ## Related resources

                - United Nations, *Integrated DDR Standards (IDDRS)*, 2019
                  revision, including module 2.11 on the legal framework.
                - Lake Chad Basin Commission, *Regional Strategy for the
                  Stabilization, Recovery and Resilience of the Boko Haram-
                  affected Areas of the Lake Chad Basin Region* (2018).
                - *The Paris Principles: Principles and Guidelines on
                  Children Associated with Armed Forces or Armed Groups*
                  (2007).

                ## Contributors

                - Seydou Traoré, Sahel Governance Partners
                - Abena Mensah, Regional Peace Support Secretariat

                Facilitated by the Joint Reach-back Facility.
            """),
            "visibility": "restricted",
        },
    },

    # -- 12. Synthesis: community violence reduction amid gang control --------
    {
        "title": "What can community violence reduction achieve in gang-controlled neighbourhoods?",
        "question": _md("""
            The national commission on disarmament, dismantling and
            reintegration (CNDDR) and several donors are discussing a new
            community violence reduction (CVR) programme for neighbourhoods
            of Port-au-Prince, in parallel with the international security
            support to the Haitian National Police.

            **What did earlier CVR programmes in Haiti and in comparable
            contexts achieve, what went wrong, and what conditions should be
            in place before a new programme starts?**
        """),
        "context": _md("""
            Armed gangs, now largely organised in coalitions, control most
            of the capital and key roads. Hundreds of thousands of people
            are displaced. Some gang members, including many minors, have
            signalled willingness to leave if offered an alternative. The
            memory of the MINUSTAH-era CVR programme is mixed: people
            remember jobs and projects, but also that some funds reached
            gang leaders. Our organisation has been asked to contribute to
            the programme design.
        """),
        "purpose": (
            "Contribution to the design mission for a multi-donor CVR "
            "programme; note to the CNDDR technical team."
        ),
        "country": "HT",
        "themes": ["community-violence-reduction", "organised-crime",
                   "employment-and-youth"],
        "priority": "high",
        "confidentiality": "community",
        "requester": "r.fernandes@example.org",
        "status": "synthesis",
        "age_days": 22,
        "needed_in_days": 21,
        "clarification": None,
        "experts": ["a.mensah@example.org", "m.lindqvist@example.org",
                    "c.valencia@example.org"],
        "contributions": [
            {
                "expert": "a.mensah@example.org",
                "body": _md("""
                    CVR was developed largely in Haiti: MINUSTAH's CVR
                    section, from 2007, was one of the first to run it at
                    scale, and the approach was later used by MINUSCA in the
                    CAR, MONUSCO in the DRC and MINUSMA in Mali. It is now
                    covered by IDDRS module 2.30.

                    What CVR achieved in Haiti: labour-intensive projects,
                    vocational training and community projects in areas
                    like Bel Air, Cité Soleil and Martissant provided
                    income and some reduction in violence, especially when
                    combined with the police operations of 2007 that
                    dismantled several gangs. What went wrong: where gangs
                    remained in control, projects needed their consent, and
                    part of the money (through selection of workers, site
                    contracts or "taxes") strengthened them. CVR also
                    struggled to reach the most violent young men rather
                    than the easiest to reach.

                    Conditions I would insist on:

                    - **Sequencing with security.** CVR cannot replace the
                      state's presence; it works in areas being recovered
                      or contested, not deep inside territory a gang fully
                      controls.
                    - **Targeting criteria** published and verified by a
                      mix of community actors, not gang-linked brokers.
                    - **A separate track for children** associated with
                      gangs, under child protection actors.
                    - **A legal framework** for those who leave: without
                      clarity on prosecution, people will not come forward,
                      or will come forward and be killed.
                """),
            },
            {
                "expert": "m.lindqvist@example.org",
                "body": _md("""
                    From the organised crime side: Haitian gangs are not
                    only armed groups but economic actors, funded by
                    kidnapping, extortion of transport and trade, and by
                    political and business sponsors. CVR addresses the
                    labour supply of gangs; it does nothing to the demand
                    side (sponsors, arms flows, money).

                    Lessons from elsewhere:

                    - **El Salvador's 2012 gang truce** reduced homicides
                      quickly but strengthened gang leadership, and its
                      collapse was followed by more violence. Programmes
                      that negotiate access through gang leaders risk the
                      same dynamic.
                    - **Jamaica and parts of Central America** show that
                      prevention programmes without action against the
                      political protection of gangs have limited effect.

                    Practical implications for the design:

                    1. Build a **financial integrity** component: cash
                       payments to individuals by mobile money rather than
                       through local intermediaries; independent monitoring
                       of contractors; a public list of projects and
                       contractors.
                    2. Link to **arms trafficking** work. Most weapons in
                       Haiti are trafficked from abroad; the UN sanctions
                       regime and the arms embargo provide a framework. A
                       CVR programme can support community weapons
                       collection only if supply is also addressed.
                    3. Coordinate closely with the police and the
                       international security support mission so that
                       CVR sites are not targeted by, or mistaken for,
                       operations.

                    Caveat: I would avoid any design that requires formal
                    negotiations with gang leaders as a precondition.
                """),
            },
            {
                "expert": "c.valencia@example.org",
                "body": _md("""
                    Colombia offers relevant but cautious lessons.

                    Urban violence reduction in Medellín combined
                    investment in the poorest hillside neighbourhoods
                    (transport, libraries, schools) with policing and
                    programmes for young people at risk. Homicides fell
                    dramatically over two decades, but researchers also
                    attribute part of the fall to arrangements among
                    criminal organisations, which regulate violence rather
                    than end it. The lesson for Haiti is that reduced
                    violence can coexist with continued criminal control;
                    the indicators must look beyond homicide rates.

                    The collective reintegration of former paramilitaries in
                    Colombia after 2003-2006 showed that people leaving
                    armed structures without individual follow-up often
                    returned to criminal groups (later called BACRIM).
                    Individual case management, as developed later by the
                    Colombian reintegration agency, made a difference: a
                    counsellor who follows each person for years, with
                    psychosocial, family and employment support.

                    For Haiti:

                    - **Invest in case management**, even for small
                      numbers, rather than mass cash-for-work alone.
                    - **Work with churches, schools, sports and cultural
                      organisations** that have stayed in neighbourhoods;
                      they have legitimacy gang brokers lack.
                    - **Plan for displacement:** many residents have fled;
                      a programme designed only for those who stayed
                      excludes most victims.

                    Be honest with donors that results will be slow and
                    reversible.
                """),
            },
        ],
        "response": {
            "title": "Community violence reduction in gang-affected Port-au-Prince: lessons and preconditions",
            "summary": _md("""
                A design team for a multi-donor community violence reduction
                (CVR) programme in Port-au-Prince asked what earlier CVR in
                Haiti and elsewhere achieved and which preconditions should
                apply. CVR was pioneered by MINUSTAH from 2007 and provided
                income and some violence reduction, particularly alongside
                police operations, but where gangs kept control, projects
                required their consent and funds partly strengthened them.
                Experts recommend sequencing CVR with restored state
                presence rather than placing it deep in gang-controlled
                territory; publishing targeting criteria verified by a range
                of community actors; a separate child protection track; and
                legal clarity for those who leave. Because gangs are
                economic actors with sponsors and trafficked weapons, CVR
                must be paired with financial integrity measures (mobile
                money payments, public lists of projects and contractors),
                links to arms-trafficking work and coordination with the
                police and international security support. El Salvador's
                2012 truce and Medellín's experience show that violence can
                fall while criminal control persists. Colombian
                reintegration experience favours long-term individual case
                management and partnerships with churches, schools and
                cultural organisations. Results will be slow and reversible.
            """),
            "body": _md("""
                ## The query

                The CNDDR and donors are preparing a new CVR programme for
                Port-au-Prince alongside international security support to
                the police. What did earlier programmes achieve, what went
                wrong, and what conditions should be in place?

                ## Synthesis of responses

                - **Sequence with security:** CVR in areas being recovered or
                  contested, not inside full gang control.
                - **Protect the money:** mobile money to individuals;
                  independent monitoring of contractors; public lists.
                - **Targeting:** published criteria verified by community
                  actors not linked to gangs; reach the most at-risk, not
                  only the easiest.
                - **Children:** separate track under child protection.
                - **Legal clarity** for people leaving gangs.
                - **Address supply and sponsors:** link to arms-trafficking
                  and sanctions work.
                - **Case management** over mass cash-for-work; partner with
                  churches, schools, sports and cultural groups.
                - **Include the displaced.**
                - **Indicators beyond homicides**, and realistic
                  expectations.

                ## Comparative experiences

                - **Haiti (MINUSTAH, 2007-2017):** first large-scale CVR;
                  gains alongside police operations, leakage to gangs where
                  they retained control.
                - **CAR, DRC, Mali:** CVR adopted by subsequent missions.
                - **El Salvador (2012):** gang truce reduced homicides but
                  strengthened gang leadership.
                - **Colombia:** Medellín's urban investments; individual
                  case management in reintegration after the paramilitary
                  demobilisation.

                ## Related resources

                - United Nations, *Integrated DDR Standards (IDDRS)*, module
                  2.30 on community violence reduction.
                - UN DPO/OROLSI, *Community Violence Reduction: Creating
                  Space for Peace* (2017).
                - UN Security Council sanctions regime on Haiti (resolution
                  2653 of 2022 and renewals).

                ## Contributors

                - Abena Mensah, Regional Peace Support Secretariat
                - Magnus Lindqvist, Nordic Centre for Crisis Management
                - Camilo Valencia Ortiz, Andean Institute for Peace and
                  Security Studies

                Facilitated by the Joint Reach-back Facility.
            """),
            "visibility": "community",
        },
    },

    # -- 13. Routed: local arrangements for road openings ---------------------
    {
        "title": "Local arrangements to reopen roads across front lines around Taiz",
        "question": _md("""
            Local mediators and the governorate authorities are discussing
            the reopening of an additional road crossing between areas held
            by the two sides around Taiz city, following the partial
            reopenings of the past two years. Earlier attempts stalled on
            who controls checkpoints and how incidents are handled.

            **What arrangements have made crossing points across front lines
            work (phasing, checkpoint management, incident handling), and
            what role can international actors usefully play?**
        """),
        "context": _md("""
            The road issue was part of the UN-mediated truce discussions in
            2022 without agreement. Since then some crossings have reopened
            through local initiatives, with heavy traffic and periodic
            closures after incidents. Our programme supports a local
            mediation committee and women's groups that have campaigned on
            the roads for years.
        """),
        "purpose": (
            "Options paper for the local mediation committee; briefing for "
            "donors supporting the committee."
        ),
        "country": "YE",
        "themes": ["ceasefires", "local-mediation", "humanitarian-coordination"],
        "priority": "high",
        "confidentiality": "restricted",
        "requester": "m.benali@example.org",
        "status": "routed",
        "age_days": 12,
        "needed_in_days": 21,
        "clarification": None,
        "experts": ["r.haddad@example.org", "b.santoso@example.org"],
        "declined": [
            {"expert": "f.rahimi@example.org",
             "reason": (
                 "I am currently advising one of the donors funding a "
                 "party-affiliated actor in Taiz; I should not contribute. "
                 "Happy to suggest a colleague."
             )},
        ],
        "contributions": [
            {
                "expert": "r.haddad@example.org",
                "body": _md("""
                    Crossing points that lasted have usually followed a
                    **phased** logic, each phase a test of the next:

                    1. humanitarian and medical cases, pedestrians, during
                       daylight hours only;
                    2. light vehicles and public transport;
                    3. commercial traffic, which is where revenue and
                       therefore the real incentives and spoilers lie.

                    Each phase should have a fixed review date and agreed
                    indicators (number of crossings, incidents), so that
                    moving to the next phase is not renegotiated from
                    scratch.

                    **Checkpoint management.** The toughest issue is usually
                    not who staffs the checkpoint but what it may do:
                    questioning, searches, arrests, fees. A short written
                    list of permitted and prohibited actions, displayed at
                    each side, is more useful than a joint checkpoint,
                    which is rarely accepted.

                    **Incident handling.** Agree in advance a hotline between
                    the two sides' focal points and a rule that an incident
                    leads to a temporary suspension (hours, not weeks) while
                    the mediators clarify facts, not to automatic closure.

                    Comparative references: Cyprus, where crossing points
                    opened in 2003 and later at Ledra Street in 2008, shows
                    how crossings can become normal once both sides see
                    benefits; in Bosnia, the "blue routes" into Sarajevo in
                    1994 worked while the parties accepted them and
                    collapsed when one side used them for leverage. Syria's
                    local truces are a warning about arrangements that
                    mainly served one side's military objectives.

                    International actors are most useful as convenors and
                    observers of incidents when both sides ask, and by
                    funding the civilian economy (markets, transport) that
                    makes reopening worth defending.
                """),
            },
        ],
        "internal_notes": [
            "Farid declined (conflict of interest). Budi confirmed he will "
            "contribute by the end of next week.",
        ],
        "response": None,
    },

    # -- 14. Routed: screening for integration into the armed forces ----------
    {
        "title": "Screening criteria for integrating armed group members into the national army",
        "question": _md("""
            Under the 2019 Political Agreement for Peace and Reconciliation,
            members of signatory armed groups may be integrated into the
            national defence forces (FACA) after DDR processing. The
            ministry's integration commission is revising its screening
            criteria and has asked partners for comparative experience.

            **What screening criteria and procedures have other integration
            processes used (age, health, education, human rights record,
            rank harmonisation), and how were disputes over rank handled?**
        """),
        "context": _md("""
            The first integration rounds took place through the special
            mixed security units (USMS), with mixed results: several units
            did not function as planned and some integrated elements later
            deserted. The national DDRR programme holds registration data.
            MINUSCA's human rights division has documented abuses by
            several groups' commanders. Rank demands by group leaders are
            the single most contentious issue.
        """),
        "purpose": (
            "Comments on the draft integration decree requested by the "
            "integration commission within a month."
        ),
        "country": "CF",
        "themes": ["defence-reform", "vetting", "demobilisation"],
        "priority": "normal",
        "confidentiality": "community",
        "requester": "g.achieng@example.org",
        "status": "routed",
        "age_days": 9,
        "needed_in_days": 30,
        "clarification": {
            "question": (
                "Does the commission want to hear about police and "
                "gendarmerie integration too, or strictly the army?"
            ),
            "reply": "Strictly the army for now; the police will follow later.",
        },
        "experts": ["m.lindqvist@example.org", "expert@example.org"],
        "declined": [
            {"expert": "s.traore@example.org",
             "reason": "Away on mission with no connectivity for the next two weeks."},
        ],
        "contributions": [
            {
                "expert": "m.lindqvist@example.org",
                "body": _md("""
                    Integration processes I know of used broadly similar
                    entry criteria; the difference lay in how strictly they
                    were applied and how rank was handled.

                    **Entry criteria** commonly used: minimum and maximum age
                    (no one under 18 at integration; upper limits around 35
                    to 40 for new soldiers), medical fitness, basic literacy
                    or a commitment to literacy training, nationality, and
                    no credible allegation of serious crimes. The last is
                    the hardest: it requires a procedure for using MINUSCA
                    and national human rights information and a body that
                    decides, with reasons.

                    **Rank harmonisation.** Approaches, roughly from most to
                    least robust:

                    - **Individual assessment** by a board against objective
                      criteria (training, years of command, size of unit
                      actually commanded, education), with a fixed ceiling
                      for self-declared ranks. Nepal's integration of
                      former Maoist combatants in 2012 used individual
                      assessment and the army's own standards, which
                      limited rank inflation; only around 1,400 chose
                      integration.
                    - **Negotiated quotas** of senior ranks per group, as in
                      Burundi after Arusha, where integration was coupled
                      with ethnic balancing. Politically easier, but it
                      rewards groups rather than individuals.
                    - **Acceptance of self-declared ranks**, as in the
                      integration of militias into the SPLA in South Sudan
                      after 2006 and into the FARDC in the DRC, which
                      produced top-heavy, fragmented forces.

                    The DRC's *brassage* is the clearest cautionary case:
                    units integrated without breaking up command chains
                    remained loyal to former commanders.

                    Recommendation: dispersal of integrated personnel across
                    units, individual rank boards with published criteria,
                    and a grievance procedure. I will add a note on the USMS
                    experience once I have checked a few details.
                """),
            },
        ],
        "internal_notes": [
            "Seydou declined (away). Idrissa will cover the "
            "human rights screening procedure.",
        ],
        "response": None,
    },

    # -- 15. Routed: measuring host-refugee tensions at municipal level -------
    {
        "title": "Municipal-level measurement of tensions between host communities and refugees",
        "question": _md("""
            We support social stability projects in municipalities of the
            Bekaa and Akkar with large Syrian refugee populations. Tensions
            have risen with the economic crisis, and since the political
            changes in Syria the question of returns is everywhere.

            **Which indicators and methods can municipalities and partners
            use to monitor tensions and early signs of violence at the
            local level, and how do we make such monitoring useful for
            municipal decisions rather than just reports?**
        """),
        "context": _md("""
            Country-level perception surveys on social tensions have been
            run for years under the crisis response plan and are well
            regarded, but they are not granular enough for individual
            municipalities. Some municipalities have imposed curfews or
            restrictions on refugees after incidents. Our partners include
            municipal police and local committees.
        """),
        "purpose": (
            "Design of a municipal tension-monitoring pilot in four "
            "municipalities."
        ),
        "country": "LB",
        "themes": ["early-warning", "conflict-sensitivity",
                   "displacement-and-returns"],
        "priority": "normal",
        "confidentiality": "community",
        "requester": "m.benali@example.org",
        "status": "routed",
        "age_days": 6,
        "needed_in_days": 45,
        "clarification": None,
        "experts": ["f.rahimi@example.org", "r.haddad@example.org"],
        "contributions": [],
        "response": None,
    },

    # -- 16. Routed: agenda-setting for a national dialogue -------------------
    {
        "title": "Supporting inclusive agenda-setting in a national dialogue process",
        "question": _md("""
            The national dialogue commission is completing participant
            identification at woreda level and moving to agenda-setting in
            the regions. Several armed and political actors remain outside
            the process, and some regions have had only partial
            participation.

            **How have other national dialogues organised agenda-setting so
            that it is inclusive and credible, particularly where some
            actors boycott, and what can international partners support
            without undermining national ownership?**
        """),
        "context": _md("""
            The commission was established by proclamation in 2021. Its
            legitimacy is contested by some opposition parties and by
            actors in conflict-affected regions. Our programme provides
            technical support to civil society organisations that want to
            contribute agenda items, especially women's and youth
            organisations.
        """),
        "purpose": (
            "Guidance for civil society partners and a short note for the "
            "donor coordination group on national dialogue support."
        ),
        "country": "ET",
        "themes": ["negotiation-support", "inclusion", "political-settlements"],
        "priority": "normal",
        "confidentiality": "community",
        "requester": "g.achieng@example.org",
        "status": "routed",
        "age_days": 15,
        "needed_in_days": 40,
        "clarification": None,
        "experts": ["r.haddad@example.org", "f.abdi@example.org"],
        "declined": [
            {"expert": "e.njoroge@example.org",
             "reason": (
                 "Conflict of interest: I am currently contracted by an "
                 "organisation advising the commission."
             )},
        ],
        "contributions": [],
        "response": None,
    },

    # -- 17. Routed: women returning from insurgent-held areas ----------------
    {
        "title": "Reintegration of women and children returning from insurgent-held areas in Cabo Delgado",
        "question": _md("""
            Women and children who were abducted by, or lived with, the
            insurgency in Cabo Delgado are returning to districts such as
            Mocímboa da Praia and Macomia. Communities distinguish between
            "abductees" and "wives", and some women report being questioned
            repeatedly by security forces.

            **What approaches have supported the reintegration of women and
            children returning from armed groups, while managing community
            suspicion and security screening, and what should our protection
            and livelihoods programme do differently?**
        """),
        "context": _md("""
            The provincial authorities have no formal reception process;
            returnees are screened by the security forces and then go to
            relatives or displacement sites. Some children were born in
            captivity. Our programme runs women's safe spaces and small
            livelihood grants in three districts.
        """),
        "purpose": (
            "Adjustments to the programme's protection and livelihoods "
            "components; input to the provincial protection cluster."
        ),
        "country": "MZ",
        "themes": ["reintegration", "gender-analysis",
                   "psycho-social-recovery"],
        "priority": "high",
        "confidentiality": "community",
        "requester": "member@example.org",
        "status": "routed",
        "age_days": 18,
        "needed_in_days": 30,
        "clarification": None,
        "experts": ["e.njoroge@example.org", "a.mensah@example.org"],
        "declined": [
            {"expert": "s.traore@example.org",
             "reason": "Away for the coming weeks; suggest Abena for the reintegration angle."},
        ],
        "contributions": [
            {
                "expert": "e.njoroge@example.org",
                "body": _md("""
                    The most important step is to **stop categorising
                    women by presumed affiliation** in programme practice.
                    The distinction between "abductees" and "wives" is
                    usually a community judgement based on rumour, and
                    women move between these categories depending on who is
                    speaking. Programmes that accepted those labels ended up
                    reinforcing stigma.

                    Lessons from comparable contexts:

                    - **North-east Nigeria:** research with women and girls
                      returning from Boko Haram captivity (for example
                      International Alert and UNICEF's 2016 study *Bad
                      Blood*) found that children born of sexual violence
                      and their mothers faced intense suspicion, partly
                      fuelled by beliefs about "bad blood". Community
                      dialogue with religious leaders was central to
                      shifting this.
                    - **Northern Uganda:** reception centres for people
                      returning from the LRA offered a transitional space,
                      but long-term outcomes depended on families and
                      livelihoods; many young mothers returned with children
                      and were never fully accepted.

                    For your programme:

                    1. Offer the women's safe spaces and livelihood support
                       to returning women **as part of the general
                       caseload**, not as a separate category.
                    2. Work on **birth registration and documentation** for
                       children born in captivity; without it, they will be
                       excluded from school and services.
                    3. Document (with consent) and report through the
                       protection cluster any **repeated questioning or
                       abuse** during security screening, and advocate for a
                       civilian-led reception process with female staff.
                    4. Engage **religious leaders and women's associations**
                       in community dialogue, since acceptance is shaped in
                       mosques and churches as much as in families.

                    Mental health support must be long-term; the effects of
                    captivity often surface months after return.
                """),
            },
        ],
        "internal_notes": [
            "Abena added after Seydou declined; she has confirmed.",
        ],
        "response": None,
    },

    # -- 18. Clarification: community radio in border areas ------------------
    {
        "title": "Supporting community radio in border areas without putting presenters at risk",
        "question": _md("""
            Our programme would like to support community radio stations in
            the Tillabéri region, which are often the only source of local
            information. Presenters have been threatened by armed groups
            for broadcasting government messages and by local authorities
            for broadcasting criticism.

            **How have other programmes supported community media in
            insecure areas without exposing presenters, and what forms of
            support are safest?**
        """),
        "context": _md("""
            Two of the stations we know went off air last year after
            threats. Others continue with music, religious programmes and
            announcements, and avoid news. The regulator and the
            authorities are sensitive to any foreign-funded media activity.
        """),
        "purpose": "Decision on whether to include a media component in the next phase.",
        "country": "NE",
        "themes": ["media-support", "conflict-sensitivity", "public-information"],
        "priority": "normal",
        "confidentiality": "restricted",
        "requester": "c.dembele@example.org",
        "status": "clarification",
        "age_days": 5,
        "needed_in_days": 45,
        "clarification": {
            "question": (
                "To route this well: would the programme fund content "
                "(programmes, presenters' time) or only equipment, training "
                "and running costs? And are the stations you have in mind "
                "currently licensed and on air?"
            ),
            "reply": None,
        },
        "experts": [],
        "contributions": [],
        "response": None,
    },

    # -- 19. Clarification: memorials in divided municipalities ---------------
    {
        "title": "Agreeing memorials for civilian victims in a divided municipality",
        "question": _md("""
            In a municipality where the two main communities commemorate
            different wartime events, a group of victims' associations from
            both sides has asked for support to agree on a memorial to all
            civilian victims. The municipal council is split.

            **What processes have helped divided communities agree on shared
            or parallel memorialisation, and what pitfalls should we avoid?**
        """),
        "context": _md("""
            Earlier initiatives stalled over the wording of inscriptions
            (whether to name perpetrators, which term to use for the events)
            and over location. Two existing monuments are contested and
            periodically vandalised.
        """),
        "purpose": "Design of a small facilitation project with the victims' associations.",
        "country": "BA",
        "themes": ["memorialisation", "truth-seeking", "local-mediation"],
        "priority": "low",
        "confidentiality": "community",
        "requester": "o.shevchenko@example.org",
        "status": "clarification",
        "age_days": 8,
        "needed_in_days": None,
        "clarification": {
            "question": (
                "Is the request coming from the victims' associations "
                "themselves or from a donor? And is the goal a single shared "
                "memorial, or would parallel memorials agreed through a joint "
                "process also be acceptable to them?"
            ),
            "reply": None,
        },
        "experts": [],
        "contributions": [],
        "response": None,
    },

    # -- 20. Clarification: handover packages for rotating teams --------------
    {
        "title": "What should a good handover package for a rotating civil affairs team contain?",
        "question": _md("""
            Our seconded civilian advisers in field offices rotate every six
            to twelve months, and handovers are often a few pages of notes
            and a contact list. Counterparts complain that each new adviser
            starts from zero.

            **What should a minimum handover package contain, and how have
            other missions or programmes made handovers work when overlap is
            short or impossible?**
        """),
        "context": _md("""
            There is rarely more than a week of overlap, sometimes none.
            Our organisation has a generic template that nobody uses.
            Shared drives are disorganised and some advisers keep
            everything in personal email.
        """),
        "purpose": "Revision of our handover template and induction for field advisers.",
        "country": "SS",
        "themes": ["handover", "lessons-capture", "integrated-missions"],
        "priority": "low",
        "confidentiality": "community",
        "requester": "member@example.org",
        "status": "clarification",
        "age_days": 3,
        "needed_in_days": 60,
        "clarification": {
            "question": (
                "Is this for your organisation's seconded advisers only, or "
                "for the whole mission field office (including UN staff and "
                "military liaison officers)? Could you share the current "
                "template so experts can comment on it?"
            ),
            "reply": None,
        },
        "experts": [],
        "contributions": [],
        "response": None,
    },

    # -- 21. Submitted: officials who served under occupation -----------------
    {
        "title": "Public administration in de-occupied municipalities: officials who served under occupation",
        "question": _md("""
            In several recently de-occupied communities, municipal services
            depend on staff (utility engineers, teachers, clerks) who
            continued working during the occupation. Some are under
            investigation for collaboration; others are not, but residents
            are divided about them.

            **How have other countries balanced accountability for officials
            who served under occupation or a de facto authority with the
            need to keep essential services running?**
        """),
        "context": _md("""
            Collaboration is a criminal offence under amendments to the
            Criminal Code adopted in 2022, and the law does not distinguish
            clearly between essential service staff and those who held
            political posts. The military administration has asked for
            options for an administrative review process that would be
            fair and quick.
        """),
        "purpose": "Options note for the regional military administration.",
        "country": "UA",
        "themes": ["public-administration", "vetting", "accountability"],
        "priority": "high",
        "confidentiality": "restricted",
        "requester": "o.shevchenko@example.org",
        "status": "submitted",
        "age_days": 2,
        "needed_in_days": 21,
        "clarification": None,
        "experts": [],
        "contributions": [],
        "response": None,
    },

    # -- 22. Submitted: revenue sharing in a federal system -------------------
    {
        "title": "Revenue-sharing arrangements between federal and state levels in a contested federation",
        "question": _md("""
            Federal and member state finance ministries are negotiating a
            revenue-sharing arrangement covering customs revenue at the main
            ports and, in future, natural resource revenue. Talks have
            repeatedly stalled over who collects and who audits.

            **What interim revenue-sharing arrangements have worked in
            other fragile federal or decentralising systems while the
            constitutional settlement remains unresolved?**
        """),
        "context": _md("""
            The provisional constitution leaves fiscal federalism largely
            undefined. Member states collect revenue at their ports and
            transfer varying amounts. An earlier agreement on fiscal
            arrangements was only partially implemented.
        """),
        "purpose": "Background paper for a technical workshop of finance ministries.",
        "country": "SO",
        "themes": ["revenue", "political-settlements",
                   "anti-corruption-and-public-finance"],
        "priority": "normal",
        "confidentiality": "community",
        "requester": "g.achieng@example.org",
        "status": "submitted",
        "age_days": 1,
        "needed_in_days": 30,
        "clarification": None,
        "experts": [],
        "contributions": [],
        "response": None,
    },

    # -- 23. Submitted: measuring trust in the state in PDET areas ------------
    {
        "title": "Indicators of trust in the state for territorial peace programmes",
        "question": _md("""
            Our programme works in municipalities covered by the
            development programmes with a territorial focus (PDET) created
            by the 2016 peace agreement. We want to measure whether people's
            trust in local and national state institutions is changing.

            **Which indicators of trust in the state have proven reliable
            in conflict-affected rural areas, and how often can they
            realistically be measured?**
        """),
        "context": _md("""
            National surveys exist but are not representative at municipal
            level. Armed groups are present in several of our municipalities,
            which affects what people will say in surveys.
        """),
        "purpose": "Results framework for the programme's next phase.",
        "country": "CO",
        "themes": ["metrics-and-indicators", "local-governance",
                   "agreement-implementation"],
        "priority": "low",
        "confidentiality": "community",
        "requester": "r.fernandes@example.org",
        "status": "submitted",
        "age_days": 3,
        "needed_in_days": None,
        "clarification": None,
        "experts": [],
        "contributions": [],
        "response": None,
    },

    # -- 24. Submitted: disinformation targeting municipal elections ----------
    {
        "title": "Responding to a disinformation campaign against the electoral commission",
        "question": _md("""
            Over the past week, fabricated documents claiming that the
            electoral commission has rigged voter lists for the next phase
            of municipal elections have spread widely on Facebook and
            Telegram. The commission is considering a formal denial and a
            request to platforms to remove content.

            **What responses have worked for electoral bodies facing
            coordinated disinformation shortly before polling, and what
            should the commission avoid doing?**
        """),
        "context": _md("""
            Polling is in less than three weeks. The commission's
            communications team is small. Some of the content appears to
            come from accounts linked to political actors. Earlier
            denials by the commission were widely mocked online.
        """),
        "purpose": "Urgent advice to the commission's communications department.",
        "country": "LY",
        "themes": ["mis-and-disinformation", "electoral-administration",
                   "public-information"],
        "priority": "urgent",
        "confidentiality": "community",
        "requester": "m.benali@example.org",
        "status": "submitted",
        "age_days": 0,
        "needed_in_days": 7,
        "clarification": None,
        "experts": [],
        "contributions": [],
        "response": None,
    },

    # -- 25. Submitted: handing over protection tasks during drawdown ---------
    {
        "title": "Handing over protection of civilians functions during a mission drawdown",
        "question": _md("""
            With the mission's phased withdrawal, provincial authorities and
            UN agencies will take over functions such as early-warning
            networks, community alert networks and protection analysis in
            areas the mission leaves.

            **What has worked and failed in handing over protection of
            civilians functions during mission drawdowns, and what should
            be secured in the transition plan before the mission leaves the
            next province?**
        """),
        "context": _md("""
            After the withdrawal from South Kivu in 2024, partners observed
            gaps in early warning and in response to alerts. The next phase
            of the transition plan is being drafted with the government.
        """),
        "purpose": "Input to the joint transition plan for the next phase.",
        "country": "CD",
        "themes": ["protection-of-civilians", "integrated-planning",
                   "handover"],
        "priority": "high",
        "confidentiality": "community",
        "requester": "member@example.org",
        "status": "submitted",
        "age_days": 1,
        "needed_in_days": 28,
        "clarification": None,
        "experts": [],
        "contributions": [],
        "response": None,
    },

    # -- 26. Closed (declined): profiles of named commanders ------------------
    {
        "title": "Profiles of armed group field commanders for outreach planning",
        "question": _md("""
            We are planning outreach to local commanders of the parties in
            two Darfur states to negotiate access for a community
            protection project.

            **Could the facility provide profiles of the main field
            commanders in these localities (background, affiliations,
            reputation, who influences them)?**
        """),
        "context": _md("""
            Our local staff have informal knowledge but we have no
            structured analysis. Other organisations seem to have such
            profiles but will not share them.
        """),
        "purpose": "Outreach plan for the project's access negotiations.",
        "country": "SD",
        "themes": ["negotiation-support", "context-analysis"],
        "priority": "normal",
        "confidentiality": "restricted",
        "requester": "member@example.org",
        "status": "closed",
        "age_days": 52,
        "needed_in_days": 14,
        "clarification": None,
        "experts": [],
        "contributions": [],
        "internal_notes": [
            "Discussed with the coordinator: we do not produce profiles of "
            "named individuals (protection and legal risk to the people "
            "profiled, to contributors and to the requester).",
        ],
        "response": None,
        "close_reason": "declined",
        "close_note": _md("""
            The facility does not produce profiles of named individuals,
            including armed actors: such documents can endanger the people
            described and those who hold them, and we cannot verify the
            information. We would be glad to take a reformulated query on
            approaches to access negotiations with armed actors in Darfur,
            or on actor mapping methods your team can use internally; the
            published response on local dialogue under counter-terrorism
            restrictions may also help.
        """),
    },

    # -- 27. Closed (out of scope): editing a donor report --------------------
    {
        "title": "Review and edit of our quarterly donor report",
        "question": _md("""
            Our quarterly report to the donor is due next week. **Could an
            expert review the draft, edit the results section and check that
            our indicators are reported correctly?**
        """),
        "context": _md("""
            The programme's M&E officer left last month and the team is
            overstretched.
        """),
        "purpose": "Quarterly report to the donor.",
        "country": "LB",
        "themes": ["metrics-and-indicators"],
        "priority": "urgent",
        "confidentiality": "restricted",
        "requester": "m.benali@example.org",
        "status": "closed",
        "age_days": 33,
        "needed_in_days": 7,
        "clarification": None,
        "experts": [],
        "contributions": [],
        "response": None,
        "close_reason": "out_of_scope",
        "close_note": _md("""
            Reviewing or editing programme reports is outside the scope of
            the reach-back service, which answers policy and practice
            questions drawing on comparative experience. Your
            organisation's M&E helpdesk or a short-term consultant would be
            the right channel. If you are reconsidering the indicators
            themselves, the published response on measuring sustainable
            returns may be useful, and we would welcome a query on it.
        """),
    },

    # -- 28. Closed (withdrawn): women's access to justice --------------------
    {
        "title": "Women's access to justice through informal mechanisms under de facto authorities",
        "question": _md("""
            Our rule of law programme is considering whether to support
            women's access to informal dispute resolution (shuras and
            jirgas) in two provinces, since formal avenues have narrowed
            considerably.

            **What approaches have allowed programmes to improve outcomes for
            women in informal justice without legitimising discriminatory
            practices?**
        """),
        "context": _md("""
            The programme has worked with paralegals and women's
            organisations for several years; their room for manoeuvre has
            shrunk. The donor is reviewing the programme's continuation.
        """),
        "purpose": "Programme redesign options for the donor review.",
        "country": "AF",
        "themes": ["customary-justice", "access-to-justice",
                   "womens-participation"],
        "priority": "normal",
        "confidentiality": "restricted",
        "requester": "member@example.org",
        "status": "closed",
        "age_days": 70,
        "needed_in_days": 30,
        "clarification": None,
        "experts": [],
        "contributions": [],
        "response": None,
        "close_reason": "withdrawn",
        "close_note": _md("""
            Withdrawn by the requester: the donor decided to close the rule
            of law component before experts were engaged. The question
            remains relevant; the facilitator has noted it as a possible
            topic for a knowledge product.
        """),
    },

    # -- 29. Closed (duplicate): police vetting, same question ----------------
    {
        "title": "Screening police applicants from former armed groups",
        "question": _md("""
            The police and gendarmerie will recruit a new cohort that may
            include former members of armed groups signatory to the peace
            agreement.

            **What screening and vetting procedures have been used elsewhere
            for police recruits from former armed groups?**
        """),
        "context": _md("""
            Recruitment is expected within the year. The internal security
            ministry wants international advice on criteria.
        """),
        "purpose": "Briefing for the ministry's recruitment committee.",
        "country": "CF",
        "themes": ["police-reform-and-community-policing", "vetting"],
        "priority": "normal",
        "confidentiality": "community",
        "requester": "g.achieng@example.org",
        "status": "closed",
        "age_days": 40,
        "needed_in_days": 30,
        "clarification": None,
        "experts": [],
        "contributions": [],
        "response": None,
        "close_reason": "duplicate",
        "close_note": _md("""
            This question is answered by a recent published response on
            vetting police recruits drawn from former belligerents after a
            ceasefire, which includes experience from the Central African
            Republic. Please read it first; if the CAR-specific aspects
            (quotas by prefecture, gendarmerie) need more detail, submit a
            follow-up and we will route it to the same experts.
        """),
        "duplicate_of_index": 0,
    },
]


__all__ = ["ORGANISATIONS", "STAFF", "EXPERTS", "MEMBERS", "QUERIES"]
