"""The relevance suite's corpus (tests/service/test_relevance_suite.py, bench/search.py): 50
target responses, each with the searches that should find it (plain, misspelt, and by an
acronym or synonym of the field), among 1,000 generated near misses that reuse the targets'
vocabulary: a near miss holds the target's words spread through its body, or one of them in
its title, but is about something else (a budget, a training, a radio programme ...); and
two responses that misspell a word many others spell right (_TYPOS, with their searches).

Deterministic (a seeded random.Random) and plain data: TARGETS, SEARCHES, SIMILAR and
documents() (a list of dicts: id, title, summary, body, themes, country).
"""
from __future__ import annotations

import random

NEAR_MISSES_PER_TARGET = 20
SEED = 24

# (id, title, summary, body, themes, country, plain searches, searches by other words)
_T = [
    ("ddr-jobs-co", "Jobs for former fighters: vocational training in reintegration",
     "Colombia's reintegration agency paired vocational training with job placement; former "
     "fighters who found work within a year rarely went back to armed groups.",
     "Training courses in carpentry, coffee processing and mechanics were chosen with local "
     "employers, who committed places before the courses began.",
     ["reintegration", "employment-and-youth"], "CO",
     ["jobs for former fighters reintegration", "vocational training ex-combatants"],
     [("DDR job placement", "acronym")]),
    ("caafag-ss", "Release of children associated with armed groups in Jonglei",
     "Children released by armed groups in South Sudan were traced to their families; "
     "interim care centres and schooling prevented re-recruitment.",
     "Community committees verified ages, negotiated release with commanders and followed "
     "each girl and boy for two years after family reunification.",
     ["children-associated-with-armed-forces", "child-protection"], "SS",
     ["release of children from armed groups", "family reunification interim care"],
     [("child soldiers", "synonym"), ("CAAFAG release", "acronym")]),
    ("idp-returns-iq", "Returns of internally displaced persons to Sinjar",
     "Families displaced from Sinjar returned when property claims, services and local "
     "security arrangements were settled together; returns stalled where one was missing.",
     "Camps in Duhok emptied slowly; go-and-see visits helped families decide, and "
     "property commissions registered claims before houses were rebuilt.",
     ["displacement-and-returns"], "IQ",
     ["returns of displaced families property claims", "go-and-see visits camps"],
     [("IDP returns", "acronym")]),
    ("poc-sites-ss", "Protection of civilians sites next to peacekeeping bases",
     "Civilians fleeing fighting sheltered inside UNMISS bases; the mission had to police "
     "the sites, keep weapons out and plan for the day people would leave.",
     "Perimeter patrols, weapons searches at the gates and community watch groups kept the "
     "sites calm; planning for departure began too late.",
     ["protection-of-civilians"], "SS",
     ["peacekeepers sheltering civilians at bases", "weapons searches at the gates"],
     [("PoC sites", "acronym")]),
    ("wps-nap-ug", "National action plan on women, peace and security in Uganda",
     "Uganda's national action plan on Security Council resolution 1325 was localised by "
     "district plans with budgets, which is where it made a difference.",
     "District women's councils monitored the plan; ministries reported on indicators "
     "each year, but without budget lines most activities stayed on paper.",
     ["national-action-plans", "womens-participation"], "UG",
     ["national action plan women peace security", "district plans localisation budgets"],
     [("WPS NAP", "acronym"), ("UNSCR 1325 localisation", "acronym")]),
    ("eore-af", "Explosive ordnance risk education in schools of Helmand",
     "Teachers trained to give explosive ordnance risk education reached more children "
     "than mobile teams; accidents fell in the districts they covered.",
     "Lessons used drawings of the local ordnance found in fields, role plays and a "
     "hotline for reporting suspicious items to the clearance teams.",
     ["mine-action", "education"], "AF",
     ["explosive ordnance risk education teachers", "schools ordnance lessons children"],
     [("mine risk education", "synonym"), ("EORE in schools", "acronym")]),
    ("demining-ua", "Humanitarian demining of farmland around Kharkiv",
     "Land release by non-technical survey returned most suspected fields to farmers "
     "quickly; full clearance was kept for the fields with evidence of contamination.",
     "Survey teams interviewed farmers and checked satellite images; machines and manual "
     "deminers worked only where evidence was found.",
     ["mine-action"], "UA",
     ["land release survey farmland", "humanitarian demining farmers"],
     [("mine clearance of fields", "synonym")]),
    ("ssr-oversight-gn", "Parliamentary oversight of the defence budget in Guinea",
     "A defence committee with its own analysts obtained the army's budget lines for the "
     "first time and questioned procurement in public hearings.",
     "Committee staff were trained in budget analysis; civil society published a citizen's "
     "guide to the defence budget.",
     ["oversight", "defence-reform"], "GN",
     ["parliament oversight of defence budget", "defence committee hearings procurement"],
     [("SSR parliamentary oversight", "acronym")]),
    ("rol-courts-so", "Mobile courts in rural Somalia",
     "Mobile courts brought judges, prosecutors and legal aid to districts without any; "
     "most cases were land and family disputes settled within days.",
     "Each circuit lasted two weeks; clerks registered cases in advance and the courts "
     "sat in district halls with elders observing.",
     ["courts", "access-to-justice"], "SO",
     ["mobile courts rural districts", "judges circuit land disputes"],
     [("rule of law mobile courts", "synonym"), ("justice sector circuits", "synonym")]),
    ("ceasefire-ph", "Civilian ceasefire monitoring in Mindanao",
     "Civilian monitors reported violations through a hotline and joint teams visited "
     "within 48 hours; early verification kept incidents from escalating.",
     "Monitors were trained teachers and religious leaders; reports went to a joint "
     "committee of both parties.",
     ["ceasefires"], "PH",
     ["civilian ceasefire monitors hotline", "ceasefire violations verification teams"],
     []),
    ("electoral-security-ng", "Policing polling stations in Nigeria's elections",
     "Rings of police around polling stations, and soldiers kept back, lowered violence "
     "on election day in the states that tried it.",
     "Security plans were agreed with the electoral commission; officers were trained on "
     "their limited role inside polling units.",
     ["electoral-security"], "NG",
     ["police at polling stations election day", "electoral security plans"],
     []),
    ("truth-commission-sl", "Public hearings of Sierra Leone's truth commission",
     "Public hearings in the districts let victims speak and perpetrators acknowledge "
     "wrongs; reconciliation ceremonies followed in many chiefdoms.",
     "Statement takers collected accounts in every district; hearings were broadcast on "
     "radio and summaries published.",
     ["truth-seeking"], "SL",
     ["truth commission public hearings", "victims statements reconciliation ceremonies"],
     [("TRC hearings", "acronym")]),
    ("reparations-co", "Collective reparations for victims in Colombia",
     "Collective reparations rebuilt schools and health posts chosen by victims' "
     "committees; individual compensation came slowly.",
     "The victims' unit registered millions; collective plans were agreed village by "
     "village.",
     ["reparations"], "CO",
     ["compensation for victims collective reparations", "victims registry villages"],
     []),
    ("vetting-lr", "Vetting police recruits after the civil war in Liberia",
     "Every police applicant was screened against human-rights records; public notices "
     "invited complaints about past abuses.",
     "Mobile teams checked identities in home districts; about one in five applicants was "
     "rejected.",
     ["vetting"], "LR",
     ["vetting police applicants human rights", "screening recruits public notices"],
     []),
    ("community-policing-ke", "Community policing forums in Nairobi settlements",
     "Forums where residents met the station commander monthly reduced night-time "
     "robberies and improved reporting.",
     "Youth groups and women's groups sat with officers; forums failed where officers "
     "rotated too often.",
     ["police-reform-and-community-policing"], "KE",
     ["community policing forums residents", "station commander monthly meetings"],
     []),
    ("border-tn", "Border management and smuggling on the Libyan border",
     "Joint border posts and traders' associations cut violent incidents; fighting "
     "smuggling alone pushed livelihoods into armed networks.",
     "Customs officers and guards shared a post; informal traders were registered and "
     "given quotas.",
     ["border-management", "transnational-crime"], "TN",
     ["smuggling across the border traders", "joint border posts customs"],
     []),
    ("cvr-ht", "Community violence reduction with gangs in Port-au-Prince",
     "Labour-intensive projects and mediation with gang leaders lowered killings in the "
     "neighbourhoods where the projects ran.",
     "Cash for work cleaned canals; young men were hired by rotation and mediators "
     "negotiated truces between bases.",
     ["community-violence-reduction"], "HT",
     ["gangs violence reduction cash for work", "mediation with gang leaders"],
     [("CVR projects", "acronym")]),
    ("weapons-cf", "Weapons collection and stockpile management in Bangui",
     "Weapons handed in were registered, marked and stored in secured armouries; "
     "destruction ceremonies built confidence.",
     "Armoury staff were trained in record keeping; stockpiles were audited each quarter.",
     ["disarmament-and-weapons-management"], "CF",
     ["weapons collection stockpile armouries", "marking and registering weapons"],
     [("small arms and light weapons collection", "synonym")]),
    ("cantonment-ml", "Cantonment sites for demobilisation in northern Mali",
     "Cantonment stalled when food and allowances ran out; short stays with paid "
     "transport home worked better.",
     "Sites were built for thousands but few combatants came; registration and health "
     "checks took weeks.",
     ["demobilisation"], "ML",
     ["cantonment sites demobilisation", "allowances food at cantonment"],
     [("demobilization camps", "spelling")]),
    ("customary-so", "Customary justice and elders' courts in Puntland",
     "Elders' courts settled most disputes; linking them to formal courts for serious "
     "crimes protected women's rights.",
     "Paralegals attended sessions; referral rules sent rape and murder cases to state "
     "courts.",
     ["customary-justice"], "SO",
     ["elders customary courts", "referral of serious crimes to formal courts"],
     [("traditional justice elders", "synonym")]),
    ("prisons-ml", "Pre-trial detention and overcrowded prisons in Bamako",
     "Case reviews by prosecutors freed hundreds held beyond legal limits and eased "
     "overcrowding.",
     "A registry of detainees flagged overdue cases; legal aid lawyers visited weekly.",
     ["corrections"], "ML",
     ["overcrowded prisons pre-trial detention", "detainee registry case reviews"],
     []),
    ("pve-so", "Rehabilitation of al-Shabaab defectors",
     "Defectors passed screening, then vocational and religious education in "
     "rehabilitation centres before returning to their communities.",
     "Centres in Baidoa and Mogadishu offered counselling; community acceptance was "
     "negotiated by clan elders.",
     ["disengagement-and-rehabilitation"], "SO",
     ["defectors rehabilitation centres", "screening of defectors"],
     [("PVE rehabilitation", "acronym"),
      ("countering violent extremism defectors", "synonym")]),
    ("disinfo-cd", "Countering rumours and hate speech on local radio",
     "Radio call-in shows with trusted hosts and quick fact-checks slowed rumours during "
     "the Ebola response and local elections.",
     "A rumour log fed the programmes; hosts invited health workers and elders.",
     ["mis-and-disinformation", "media-support"], "CD",
     ["hate speech rumours radio", "fact-checking call-in shows"],
     [("misinformation on the radio", "synonym")]),
    ("early-warning-ke", "Early warning of cattle raids in Turkana",
     "Community monitors sent text messages about cattle movements; peace committees "
     "intervened before raids in most alerts.",
     "Alerts were checked by a district officer; response teams included elders from "
     "both sides.",
     ["early-warning"], "KE",
     ["early warning cattle raids", "community monitors text messages alerts"],
     []),
    ("land-bi", "Land disputes of returning refugees in Burundi",
     "Land commissions mediated between returning refugees and current occupants; shared "
     "plots were the commonest settlement.",
     "Surveys mapped plots; decisions were registered with the commune.",
     ["natural-resources-and-land", "displacement-and-returns"], "BI",
     ["returning refugees land disputes", "land commissions shared plots"],
     []),
    ("anticorruption-ua", "Open procurement against corruption in Ukraine",
     "An open e-procurement system published every tender; civil society monitors "
     "flagged suspicious awards.",
     "Complaints went to an independent body; savings were reported monthly.",
     ["anti-corruption-and-public-finance"], "UA",
     ["procurement corruption tenders", "open e-procurement monitors"],
     []),
    ("civmil-ml", "Civil-military coordination and humanitarian principles in Mali",
     "Humanitarian agencies kept distance from armed escorts; a coordination cell agreed "
     "when military assets could be used.",
     "Guidelines were agreed with the mission; deconfliction of movements prevented "
     "incidents.",
     ["civil-military-coordination"], "ML",
     ["civil-military coordination humanitarian principles", "armed escorts deconfliction"],
     [("CMCoord guidelines", "acronym")]),
    ("roster-de", "Civilian roster and duty of care for deployed experts",
     "A roster of pre-trained civilian experts deployed within weeks; duty of care "
     "covered insurance, security briefings and psychological support.",
     "Experts passed a hostile environment course before deployment; welfare checks "
     "followed each month.",
     ["rosters-and-recruitment", "staff-welfare"], "DE",
     ["civilian roster deployment duty of care", "hostile environment course experts"],
     []),
    ("indicators-xx", "Indicators to measure stabilization progress",
     "Perception surveys of safety and trust in authorities tracked change better than "
     "counts of projects.",
     "A short set of indicators was agreed with partners and measured twice a year.",
     ["metrics-and-indicators"], "AF",
     ["indicators to measure stabilization", "perception surveys safety trust"],
     [("M&E indicators stabilisation", "acronym")]),
    ("lessons-km", "Handover notes and lessons learned between rotations",
     "Handover notes with a fixed template and a call with the successor kept knowledge "
     "from being lost at each rotation.",
     "Lessons were tagged by theme and reviewed quarterly.",
     ["handover", "lessons-capture"], "XK",
     ["handover notes rotations", "lessons learned template successor"],
     []),
    ("gbv-cd", "Firewood patrols against sexual violence in North Kivu",
     "Escorted firewood collection and fuel-efficient stoves reduced attacks on women "
     "near camps.",
     "Patrols were agreed with women's committees; survivors were referred to clinics.",
     ["gbv-prevention", "conflict-related-sexual-violence"], "CD",
     ["firewood patrols sexual violence", "fuel-efficient stoves attacks on women"],
     [("GBV prevention patrols", "acronym"), ("CRSV camps", "acronym")]),
    ("youth-tn", "Youth employment schemes in Tunisia's interior",
     "Public works and start-up grants for young people in Kasserine reduced "
     "unemployment and protests for a while.",
     "Grants were paired with coaching; public works rotated participants every six "
     "months.",
     ["employment-and-youth"], "TN",
     ["jobs for young people start-up grants", "youth unemployment public works"],
     []),
    ("mediation-ly", "Tribal mediation between towns in southern Libya",
     "Tribal elders mediated between Tebu and Tuareg towns; agreements held where "
     "councils controlled their fighters.",
     "Meetings were hosted in neutral towns; written agreements set compensation.",
     ["local-mediation"], "LY",
     ["tribal mediation towns", "elders agreements compensation"],
     []),
    ("constitution-np", "Public consultation on the draft constitution in Nepal",
     "Constituency visits and written submissions gathered views on federalism; the "
     "assembly published how views changed the draft.",
     "Consultation teams visited every district; submissions were coded by theme.",
     ["constitution-making"], "NP",
     ["public consultation draft constitution", "constitution submissions federalism"],
     []),
    ("localgov-ye", "Local councils delivering services in Yemen",
     "Local councils kept water and schools running where they had their own revenue and "
     "a say in priorities.",
     "Block grants were tied to public meetings; councils published budgets on notice "
     "boards.",
     ["local-governance"], "YE",
     ["local councils services revenue", "block grants public meetings"],
     []),
    ("observation-ke", "Domestic election observation networks in Kenya",
     "A network of citizen observers ran a parallel vote tabulation that confirmed the "
     "official count.",
     "Observers were deployed to a sample of polling streams and texted results.",
     ["observation"], "KE",
     ["parallel vote tabulation observers", "citizen election observation"],
     [("PVT citizen observers", "acronym")]),
    ("inclusion-co", "Inclusion of women and victims in the Havana talks",
     "A gender sub-commission and victims' delegations brought their demands into the "
     "agreement's text.",
     "Delegations were chosen with universities and the church; proposals were tracked.",
     ["inclusion", "negotiation-support"], "CO",
     ["inclusion of women and victims peace talks", "gender sub-commission agreement"],
     []),
    ("health-ss", "Health posts as peace dividends in Upper Nile",
     "Reopened health posts staffed from both communities built trust and were spared in "
     "later fighting.",
     "Drugs were supplied through churches; staff were paid on time.",
     ["health"], "SS",
     ["health posts peace dividends", "reopened clinics trust communities"],
     []),
    ("wash-so", "Water points and conflict between herders in Somalia",
     "Shared management committees for new water points prevented clashes between "
     "herders and farmers.",
     "Committees set watering times and fees; boreholes were sited with both groups.",
     ["water-and-sanitation", "conflict-sensitivity"], "SO",
     ["water points herders clashes", "borehole management committees"],
     [("WASH conflict sensitivity", "acronym")]),
    ("mhpss-ua", "Psychosocial support for displaced families",
     "Group sessions run by trained volunteers reduced distress among displaced families; "
     "referrals reached specialists for severe cases.",
     "Sessions met weekly in collective centres; volunteers were supervised by "
     "psychologists.",
     ["psycho-social-recovery"], "UA",
     ["psychosocial support group sessions", "volunteers distress referrals"],
     [("MHPSS displaced", "acronym")]),
    ("nexus-td", "Humanitarian, development and peace nexus around Lake Chad",
     "Joint analysis and collective outcomes let agencies plan emergency aid, "
     "development and peacebuilding together.",
     "Area-based coordination groups met monthly; funding stayed separate.",
     ["the-humanitarian-development-peace-nexus"], "TD",
     ["collective outcomes joint analysis", "humanitarian development peacebuilding"],
     [("HDP nexus", "acronym"), ("triple nexus", "synonym")]),
    ("conflict-analysis-mz", "Conflict analysis for programming in Cabo Delgado",
     "A shared conflict analysis updated every quarter changed where projects were sited.",
     "Workshops with local staff mapped actors, grievances and connectors.",
     ["context-analysis"], "MZ",
     ["conflict analysis quarterly update", "actors grievances connectors mapping"],
     []),
    ("politicaleconomy-af", "Political economy analysis of customs revenue",
     "Mapping who profited from border customs explained why reforms stalled.",
     "Interviews with traders and officials traced payments along the route.",
     ["political-economy", "revenue"], "AF",
     ["political economy analysis customs", "who profits from customs revenue"],
     [("PEA customs", "acronym")]),
    ("toc-xx", "Writing a theory of change for a stabilisation programme",
     "A theory of change with testable assumptions helped the team drop activities that "
     "did not work.",
     "Assumptions were reviewed every six months with evidence from monitoring.",
     ["theory-of-change"], "IQ",
     ["theory of change assumptions", "testable assumptions programme"],
     [("ToC stabilisation", "acronym")]),
    ("evaluation-xx", "Evaluating a community security programme",
     "A mixed-methods evaluation with comparison villages showed modest gains in "
     "perceived safety.",
     "Surveys, focus groups and incident data were combined.",
     ["evaluation"], "LR",
     ["evaluation comparison villages", "mixed methods community security"],
     []),
    ("fund-xx", "Pooled funds for stabilisation",
     "A pooled fund let donors move money quickly to local priorities; a secretariat "
     "managed risk.",
     "Windows for local governance and livelihoods were set each year.",
     ["funding-instruments"], "SO",
     ["pooled fund donors", "stabilisation fund secretariat"],
     [("multi-partner trust fund", "synonym")]),
    ("predeploy-xx", "Pre-deployment training for mission staff",
     "Scenario-based training before deployment prepared civilians for security "
     "incidents and cultural briefings.",
     "A five-day course included first aid and negotiation.",
     ["pre-deployment-training"], "SE",
     ["pre-deployment training scenarios", "course first aid negotiation"],
     []),
    ("orgcrime-gw", "Organised crime and cocaine trafficking through Guinea-Bissau",
     "Trafficking networks bought protection from officials; a specialised unit with "
     "vetted staff made the first seizures.",
     "International mentors worked with the unit; prosecutions followed seizures.",
     ["organised-crime", "transnational-crime"], "GW",
     ["cocaine trafficking networks officials", "specialised unit seizures"],
     []),
    ("prosecution-ba", "Prosecuting war crimes in national courts",
     "A war crimes chamber with international judges at first built national capacity "
     "to prosecute.",
     "Witness protection and outreach were funded from the start.",
     ["prosecution", "accountability"], "BA",
     ["war crimes chamber national courts", "witness protection prosecution"],
     []),
    ("memorial-rw", "Memorials and commemoration after the genocide",
     "Memorial sites and annual commemoration supported remembrance but needed care to "
     "avoid deepening divisions.",
     "Survivors' associations ran the sites with the state.",
     ["memorialisation"], "RW",
     ["memorial sites commemoration", "remembrance survivors associations"],
     []),
]

TARGETS = [dict(id=t[0], title=t[1], summary=t[2], body=t[3], themes=t[4], country=t[5])
           for t in _T]

# Filler the near misses are made of: reach-back prose about other matters.
_ASPECTS = ["Budget planning", "Staff training", "Radio programme", "Donor reporting",
            "Procurement rules", "Office security", "Translation services", "Vehicle fleet",
            "Monthly reporting", "Workshop logistics", "Data protection", "Risk register",
            "Audit findings", "Partner selection", "Archive policy", "Travel approvals",
            "Meeting minutes", "Contract templates", "Survey design", "Payroll delays",
            "Website content", "Inventory checks", "Visa requests", "Fuel costs",
            "Internet access", "Leave planning", "Printing costs"]
_PLACES = ["Mali", "Somalia", "Colombia", "South Sudan", "Iraq", "Ukraine", "Kenya", "Haiti",
           "Libya", "Nepal", "Yemen", "Liberia", "the Sahel", "the Great Lakes", "Mindanao"]
_FILLER = [
    "The office reviewed its templates before the next reporting cycle.",
    "Several partners asked for clearer guidance on the timetable.",
    "The team noted that the budget line had been underspent again.",
    "A consultant drafted a short note for the steering group.",
    "Travel was delayed by the rainy season and road closures.",
    "The annex lists the documents shared with the donor.",
    "Staff turnover made continuity difficult during the year.",
    "The meeting agreed to revisit the question in the next quarter.",
    "A spreadsheet tracked every request and its status.",
    "Translation of the forms took longer than planned.",
    "The steering group asked for a simpler format.",
    "Most of the comments concerned the layout rather than the substance.",
    "The logistics unit compared three offers before choosing one.",
    "Internet access at the field office was unreliable.",
    "A second draft was circulated for comments by email.",
    "Headquarters approved the revised plan after some delay.",
]


def _words(text: str) -> list[str]:
    return [w.strip(",.:;'()") for w in text.split() if len(w.strip(",.:;'()")) > 3]


def _misspell(search: str) -> str:
    """The search with one typo in its longest word: two letters in its middle swapped."""
    words = search.split()
    i = max(range(len(words)), key=lambda n: (len(words[n]), -n))
    w = words[i]
    mid = len(w) // 2
    words[i] = w[:mid - 1] + w[mid] + w[mid - 1] + w[mid + 1:]
    return " ".join(words)


def _near_misses(rng: random.Random, target: dict, searches: list[str]) -> list[dict]:
    """Responses about other matters that reuse the target's words: in the title one of
    them, in the body all of a search's words, each in a sentence of its own."""
    vocab = sorted({w for s in searches for w in _words(s)} | set(_words(target["title"])))
    out = []
    for n in range(NEAR_MISSES_PER_TARGET):
        aspect = rng.choice(_ASPECTS)
        place = rng.choice(_PLACES)
        word = rng.choice(vocab)
        words = _words(searches[n % len(searches)])
        sentences = rng.sample(_FILLER, 6)
        for k, w in enumerate(words):  # spread apart: one word per sentence
            sentences.insert(2 * k + 1, f"The {w} file was mentioned only in passing.")
        out.append(dict(
            id=f"{target['id']}~{n}",
            title=f"{aspect} for the {word} team in {place}",
            summary=f"{aspect} in {place}: {rng.choice(_FILLER).lower()[:-1]}, and the "
                    f"{rng.choice(vocab)} unit asked about {aspect.lower()}.",
            body=" ".join(sentences),
            themes=target["themes"][:1], country=target["country"]))
    return out


def _searches() -> list[tuple[str, list[str], str]]:
    out = []
    for t in _T:
        for s in t[6]:
            out.append((s, [t[0]], "plain"))
        out.append((_misspell(t[6][0]), [t[0]], "misspelt"))
        for s, kind in t[7]:
            out.append((s, [t[0]], kind))
    return out


# Rare words near a common spelling: a response or two misspell a word that dozens of others
# spell right, and a search typed with that misspelling should still put the answer about
# it first (its other words, and the common spelling searched for too: index_api's
# RARE_DOCUMENTS), not the one response that happens to share the typo. (Without the common
# spelling, these rank the answer 3rd or 4th.)
_TYPOS = [
    dict(id="typo-reintegraton", title="Budget notes for the regional office in Colombia",
         summary="Budget notes: the office reviewed its templates before the next reporting "
                 "cycle.",
         body=" ".join(_FILLER[:5]) + " The reintegraton file was mentioned only in passing.",
         themes=["reintegration"], country="CO"),
    dict(id="typo-cantonmnet", title="Vehicle fleet costs in Mali",
         summary="Vehicle fleet in Mali: travel was delayed by the rainy season.",
         body=" ".join(_FILLER[5:10]) + " The cantonmnet file was mentioned only in passing.",
         themes=["demobilisation"], country="ML"),
]
_RARE = [("reintegraton agency", ["ddr-jobs-co"], "rare"),
         ("cantonmnet sites", ["cantonment-ml"], "rare"),
         ("cantonmnet stalled", ["cantonment-ml"], "rare")]

# (what a practitioner types, the ids of the responses it should find, plain / misspelt /
# acronym / synonym / spelling / rare)
SEARCHES = _searches() + _RARE
# Similar answers: (a new query's title and question, the target it duplicates).
SIMILAR = [(f"{t[6][0]}\n\nWe would like to know: {t[2]}", t[0]) for t in _T]


def documents() -> list[dict]:
    """The targets and their near misses, in a fixed order."""
    rng = random.Random(SEED)
    docs = list(TARGETS)
    for t in _T:
        docs += _near_misses(rng, TARGETS[[x[0] for x in _T].index(t[0])], t[6])
    return docs + _TYPOS
