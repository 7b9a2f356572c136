"""A relevance test set for the knowledge-base search: published responses as a reach-back
service would hold them, and searches practitioners type, each with the responses it
should find (any of them counts as a hit; the first one found sets the reciprocal rank).

Used by tests/service/test_relevance.py; kept as plain data so that it is easy to extend.
"""

DOCUMENTS = [
    {
        "id": "vetting-lr",
        "title": "Vetting police recruits after the civil war",
        "summary": "Liberia screened every police applicant against human-rights records "
                   "before training; community hearings caught abusers that paper checks missed.",
        "body": "The Liberia National Police was rebuilt from scratch. Each recruit was vetted: "
                "identity, education, and a public notice inviting complaints about past abuses. "
                "Mobile teams visited home districts. About one in five applicants was rejected. "
                "Lessons: publish the list of candidates, protect complainants, and keep the "
                "vetting unit independent of the police leadership.",
        "themes": ["vetting", "police-reform-and-community-policing"],
        "country": "LR",
    },
    {
        "id": "community-policing-ss",
        "title": "Community policing forums in Juba neighbourhoods",
        "summary": "Police-community forums reduced night-time crime where chiefs, women's "
                   "groups and youth sat with the station commander every month.",
        "body": "Forums met monthly in the boma with the local police post. Problems raised: "
                "cattle theft, alcohol sales near schools, harassment at checkpoints. Forums "
                "failed where officers rotated too often. Training for officers in "
                "problem-solving policing and a small fund for joint patrols helped.",
        "themes": ["police-reform-and-community-policing"],
        "country": "SS",
    },
    {
        "id": "ddr-reintegration-co",
        "title": "Reintegration of former combatants into rural economies",
        "summary": "Colombia's reintegration agency combined cash stipends with cooperative "
                   "farming projects; collective projects kept ex-combatants together and safe.",
        "body": "After the 2016 agreement, former FARC-EP members moved into territorial "
                "spaces. Productive projects (coffee, fish farming, tourism) received seed "
                "capital. Security guarantees mattered as much as livelihoods: killings of "
                "signatories undermined trust. Land access remained the main obstacle.",
        "themes": ["reintegration", "employment-and-youth"],
        "country": "CO",
    },
    {
        "id": "demobilisation-cf",
        "title": "Demobilisation sites and cantonment logistics",
        "summary": "Cantonment in the Central African Republic stalled when food and pay at the "
                   "sites ran out; small, short stays worked better than large camps.",
        "body": "Armed groups were asked to gather in cantonment sites for disarmament and "
                "demobilisation. Registration, weapons collection and medical screening took "
                "weeks. Delays in payments caused riots. Recommendations: keep stays under a "
                "month, pre-position rations, and register dependants separately.",
        "themes": ["demobilisation", "disarmament-and-weapons-management"],
        "country": "CF",
    },
    {
        "id": "ceasefire-monitoring-ye",
        "title": "Ceasefire monitoring mechanisms in Hodeidah",
        "summary": "The joint monitoring committee needed liaison officers from both parties, "
                   "agreed maps of front lines and a hotline to de-escalate incidents.",
        "body": "The Stockholm agreement created a redeployment coordination committee. "
                "Monitors patrolled with both sides' liaison officers. Without agreed maps, "
                "violations could not be verified. A hotline between commanders resolved "
                "small incidents before they escalated. Remote sensing supplemented patrols.",
        "themes": ["ceasefires", "monitoring"],
        "country": "YE",
    },
    {
        "id": "ceasefire-verification-ph",
        "title": "Third-party verification of a ceasefire with civilian monitors",
        "summary": "In Mindanao, unarmed civilian protection monitors verified ceasefire "
                   "violations and were trusted by communities more than military observers.",
        "body": "The international monitoring team included civilian protection organisations. "
                "Local ceasefire committees reported incidents by text message. Verification "
                "reports were shared with both panels within 48 hours.",
        "themes": ["ceasefires", "protection-of-civilians"],
        "country": "PH",
    },
    {
        "id": "electoral-security-ng",
        "title": "Securing polling stations during general elections",
        "summary": "Nigeria's inter-agency consultative committee on election security "
                   "coordinated police, army and civil defence deployments to polling units.",
        "body": "Election security planning began six months before voting day. Risk maps of "
                "polling units guided deployments. The army stayed outside polling units; "
                "police officers inside were trained on the electoral code of conduct. "
                "Violence shifted to collation centres, which needed protection too.",
        "themes": ["electoral-security", "electoral-administration"],
        "country": "NG",
    },
    {
        "id": "electoral-disputes-ke",
        "title": "Resolving electoral disputes through the courts",
        "summary": "Kenya's Supreme Court annulled a presidential result in 2017; clear "
                   "timelines for petitions kept the dispute inside the law.",
        "body": "Electoral dispute resolution depends on trusted courts and strict deadlines. "
                "Petitions about tallying irregularities were heard within fourteen days. "
                "Mediation by elders and religious leaders calmed tensions afterwards.",
        "themes": ["electoral-administration", "courts"],
        "country": "KE",
    },
    {
        "id": "truth-commission-sl",
        "title": "Designing a truth and reconciliation commission",
        "summary": "Sierra Leone's truth commission held public hearings in every district and "
                   "worked alongside a special court; coordinating the two needed clear rules.",
        "body": "Statement taking reached thousands of victims and perpetrators. Public "
                "hearings gave victims a voice; children's hearings used special protections. "
                "Tension with the Special Court over confidentiality of testimony arose. "
                "The final report's recommendations were only partly implemented.",
        "themes": ["truth-seeking", "accountability"],
        "country": "SL",
    },
    {
        "id": "reparations-co",
        "title": "Administrative reparations programmes for victims",
        "summary": "Colombia's victims unit paid individual compensation and ran collective "
                   "reparation plans; a single victims register was the backbone.",
        "body": "The victims law created a national register with over nine million entries. "
                "Compensation payments were prioritised for the elderly and the sick. "
                "Collective reparations rebuilt community halls and supported memory projects.",
        "themes": ["reparations"],
        "country": "CO",
    },
    {
        "id": "wps-nap-ug",
        "title": "Costing a national action plan on women, peace and security",
        "summary": "Uganda localised its national action plan in districts and costed each "
                   "action, so ministries could put it in their budgets.",
        "body": "The plan on resolution 1325 was translated into district plans. A costing "
                "exercise assigned budgets to each activity. Civil society monitored "
                "implementation with a scorecard. Women's participation in peace committees "
                "rose where district officials owned the plan.",
        "themes": ["national-action-plans", "womens-participation"],
        "country": "UG",
    },
    {
        "id": "gbv-prevention-cd",
        "title": "Preventing sexual and gender-based violence around displacement camps",
        "summary": "In eastern Congo, firewood patrols, lighting and women's protection "
                   "committees cut attacks on women collecting fuel.",
        "body": "Women were attacked while collecting firewood outside camps. Fuel-efficient "
                "stoves reduced trips. Peacekeepers escorted firewood patrols. Survivors "
                "needed clinical care within 72 hours; referral pathways were mapped.",
        "themes": ["gbv-prevention", "displacement-and-returns"],
        "country": "CD",
    },
    {
        "id": "ssr-oversight-gn",
        "title": "Parliamentary oversight of the security sector",
        "summary": "Guinea's defence and security committee gained access to budgets after "
                   "training and a small permanent staff of analysts.",
        "body": "Members of parliament lacked information on defence spending. A technical "
                "secretariat helped the committee question ministers. Confidential hearings "
                "allowed scrutiny of intelligence services. Civil society submitted reports.",
        "themes": ["oversight", "defence-reform"],
        "country": "GN",
    },
    {
        "id": "mine-action-af",
        "title": "Clearing landmines and explosive remnants near villages",
        "summary": "Community-based demining teams in Afghanistan cleared farmland faster "
                   "and were accepted by villagers because they were recruited locally.",
        "body": "Mine action programmes prioritised agricultural land and paths to schools. "
                "Explosive ordnance risk education reached children. Survey data reduced "
                "suspected hazardous areas before costly clearance.",
        "themes": ["mine-action"],
        "country": "AF",
    },
    {
        "id": "cvr-ht",
        "title": "Community violence reduction programmes with gang-affected youth",
        "summary": "In Port-au-Prince, labour-intensive projects and youth centres offered "
                   "alternatives to gangs; results lasted only with local ownership.",
        "body": "Community violence reduction projects paid young people to clean canals and "
                "build roads. Mediation between rival neighbourhoods reduced clashes. "
                "Projects that ended abruptly saw violence return.",
        "themes": ["community-violence-reduction", "employment-and-youth"],
        "country": "HT",
    },
    {
        "id": "customary-justice-so",
        "title": "Working with customary justice and elders' courts",
        "summary": "Somali xeer elders resolve most disputes; linking them to formal courts "
                   "and training them on women's rights improved outcomes.",
        "body": "Customary justice is faster and closer to people than state courts. But "
                "xeer decisions can discriminate against women and minorities. Programmes "
                "registered decisions and allowed appeals to the formal system.",
        "themes": ["customary-justice", "access-to-justice"],
        "country": "SO",
    },
    {
        "id": "prison-reform-ml",
        "title": "Reforming prisons and corrections in a conflict setting",
        "summary": "Mali's prisons were overcrowded with pre-trial detainees; case reviews "
                   "and separate wings for terrorism suspects were the first steps.",
        "body": "Corrections reform started with a census of detainees. Mobile courts reviewed "
                "cases of people held beyond legal limits. Prison staff were trained on "
                "managing violent extremist prisoners to prevent radicalisation.",
        "themes": ["corrections", "justice-responses"],
        "country": "ML",
    },
    {
        "id": "civmil-coordination-ml",
        "title": "Civil-military coordination with peacekeepers and humanitarian agencies",
        "summary": "Humanitarian organisations in Mali kept distance from the stabilization "
                   "mission; a civil-military coordination cell handled deconfliction.",
        "body": "Humanitarian principles require independence from military forces. The "
                "coordination cell shared movement notifications. Armed escorts were used "
                "only as a last resort. Quick impact projects blurred lines with aid agencies.",
        "themes": ["civil-military-coordination", "humanitarian-coordination"],
        "country": "ML",
    },
    {
        "id": "roster-deployment-de",
        "title": "Running a civilian roster for rapid deployment",
        "summary": "Germany's roster of civilian experts kept pre-trained people ready to "
                   "deploy within weeks, with duty-of-care arrangements agreed in advance.",
        "body": "Rosters need recruitment, pre-deployment training, medical clearance and "
                "insurance. Secondment contracts defined duty of care and evacuation. "
                "Debriefing after return captured lessons and supported staff welfare.",
        "themes": ["rosters-and-recruitment", "staff-welfare"],
        "country": "DE",
    },
    {
        "id": "indicators-stabilization",
        "title": "Indicators for measuring stabilization outcomes",
        "summary": "Perception surveys, market activity and returns of displaced people were "
                   "better signs of stabilization than counts of projects delivered.",
        "body": "Monitoring and evaluation of stabilization programmes often counts outputs. "
                "Outcome indicators: citizens' trust in local authorities, freedom of "
                "movement, prices in markets, school attendance. A theory of change links "
                "activities to those outcomes.",
        "themes": ["metrics-and-indicators", "theory-of-change"],
        "country": "IQ",
    },
    {
        "id": "early-warning-ke",
        "title": "Community early warning and early response networks",
        "summary": "Kenya's peace committees sent SMS alerts about cattle raids; warnings only "
                   "helped when someone with resources was obliged to respond.",
        "body": "Early warning systems collect incident reports from monitors in villages. "
                "Analysts verified alerts and informed county security committees. "
                "The gap between warning and response was the main weakness.",
        "themes": ["early-warning"],
        "country": "KE",
    },
    {
        "id": "disinformation-radio",
        "title": "Countering hate speech and disinformation on radio and social media",
        "summary": "In Myanmar and the Central African Republic, fact-checking partnerships "
                   "with community radio slowed rumours that triggered violence.",
        "body": "Misinformation spread through messaging apps and radio call-in shows. "
                "Fact-checkers published corrections in local languages. Journalists were "
                "trained in conflict-sensitive reporting. Platform reporting channels helped.",
        "themes": ["mis-and-disinformation", "media-support"],
        "country": "MM",
    },
    {
        "id": "pve-rehabilitation-so",
        "title": "Rehabilitating disengaged fighters from violent extremist groups",
        "summary": "Somalia's rehabilitation centres for defectors from al-Shabaab combined "
                   "screening, vocational training and family reunification.",
        "body": "Defectors were screened to separate low-risk from high-risk individuals. "
                "Centres offered religious dialogue, psychosocial support and skills. "
                "Community acceptance was needed before reintegration.",
        "themes": ["disengagement-and-rehabilitation", "prevention"],
        "country": "SO",
    },
    {
        "id": "land-disputes-bi",
        "title": "Resolving land disputes when refugees return",
        "summary": "Burundi's land commission mediated between returning refugees and current "
                   "occupants; sharing plots was accepted more often than eviction.",
        "body": "Returnees found their land occupied. The national land commission heard "
                "cases and encouraged sharing arrangements. Land registration and clear "
                "documentation prevented new disputes.",
        "themes": ["natural-resources-and-land", "displacement-and-returns"],
        "country": "BI",
    },
    {
        "id": "local-mediation-ly",
        "title": "Local mediation between tribes in southern Libya",
        "summary": "Tribal elders and municipal councils negotiated local ceasefires and "
                   "prisoner exchanges between Tebu and Tuareg communities.",
        "body": "Local mediation worked through respected elders. Agreements covered "
                "exchange of prisoners, reopening of roads and compensation (blood money). "
                "International support funded meetings but stayed in the background.",
        "themes": ["local-mediation", "ceasefires"],
        "country": "LY",
    },
    {
        "id": "constitution-np",
        "title": "Public participation in constitution-making",
        "summary": "Nepal's constituent assembly collected hundreds of thousands of public "
                   "submissions; federalism debates delayed the constitution for years.",
        "body": "Constitution-making included consultations in every district. Marginalised "
                "groups demanded inclusion and federal states. Deadlock between parties "
                "was broken only after the 2015 earthquake.",
        "themes": ["constitution-making", "inclusion"],
        "country": "NP",
    },
    {
        "id": "anticorruption-ua",
        "title": "Anti-corruption institutions and public procurement reform",
        "summary": "Ukraine's open e-procurement system made tenders public and saved money; "
                   "an independent anti-corruption bureau investigated officials.",
        "body": "Public finance reform focused on transparent procurement. The electronic "
                "platform published every tender. Civil society monitors flagged suspicious "
                "contracts. Specialised anti-corruption courts were created later.",
        "themes": ["anti-corruption-and-public-finance"],
        "country": "UA",
    },
    {
        "id": "child-soldiers-ss",
        "title": "Release and reintegration of children associated with armed groups",
        "summary": "In South Sudan, children released from armed groups received interim care, "
                   "family tracing and schooling; girls needed specific support.",
        "body": "Child soldiers were released in ceremonies negotiated with commanders. "
                "Interim care centres offered psychosocial support. Family tracing and "
                "reunification followed. Education and vocational training prevented "
                "re-recruitment.",
        "themes": ["children-associated-with-armed-forces", "child-protection"],
        "country": "SS",
    },
    {
        "id": "border-management-tn",
        "title": "Integrated border management against smuggling",
        "summary": "Tunisia's border agencies shared risk analysis and joint patrols with "
                   "Libya, while keeping cross-border trade for local livelihoods.",
        "body": "Smuggling of fuel and goods sustained border communities. A hard closure "
                "caused protests. Integrated border management linked customs, police and "
                "army with common intelligence on trafficking.",
        "themes": ["border-management", "transnational-crime"],
        "country": "TN",
    },
    {
        "id": "nexus-so",
        "title": "Joining up humanitarian, development and peace work",
        "summary": "Somalia's durable solutions programmes for displaced people pooled "
                   "humanitarian and development funding around collective outcomes.",
        "body": "The humanitarian-development-peace nexus asks agencies to plan together. "
                "Collective outcomes were agreed for displaced people in towns. Pooled funds "
                "financed housing, water and local government services.",
        "themes": ["the-humanitarian-development-peace-nexus", "displacement-and-returns"],
        "country": "SO",
    },
    {
        "id": "lessons-learned-km",
        "title": "Capturing lessons learned at the end of a mission",
        "summary": "After-action reviews and handover notes kept institutional memory when "
                   "staff rotated; a searchable library made lessons reusable.",
        "body": "Lessons capture works best close to events. End of assignment reports and "
                "after-action reviews were stored in a knowledge management system. "
                "Handover between rotating staff used checklists.",
        "themes": ["lessons-capture", "handover"],
        "country": "BA",
    },
    {
        "id": "youth-employment-tn",
        "title": "Youth employment schemes to prevent unrest",
        "summary": "Tunisia's public works and start-up grants gave jobless graduates income, "
                   "but without market demand many businesses failed within a year.",
        "body": "Youth unemployment fuelled protests. Cash-for-work and vocational training "
                "were popular. Evaluations found that mentoring and access to credit mattered "
                "more than grants alone.",
        "themes": ["employment-and-youth", "markets"],
        "country": "TN",
    },
    {
        "id": "poc-mission-ss",
        "title": "Protection of civilians sites inside peacekeeping bases",
        "summary": "UNMISS opened its gates to civilians fleeing violence in 2013; protection "
                   "of civilians sites saved lives but became long-term camps.",
        "body": "Tens of thousands sheltered inside the bases. The mission had to police the "
                "sites, manage crime and detention, and plan for returns. Patrols outside "
                "the bases remained limited.",
        "themes": ["protection-of-civilians", "integrated-missions"],
        "country": "SS",
    },
]

# (what a practitioner types, the ids of the responses it should find)
SEARCHES = [
    ("vetted police recruits", ["vetting-lr"]),
    ("how to vet police applicants for human rights abuses", ["vetting-lr"]),
    ("community policing", ["community-policing-ss", "vetting-lr"]),
    ("reintegration of ex-combatants", ["ddr-reintegration-co", "child-soldiers-ss"]),
    ("cantonment sites for armed groups", ["demobilisation-cf"]),
    ("monitoring a ceasefire", ["ceasefire-monitoring-ye", "ceasefire-verification-ph"]),
    ("civilian ceasefire monitors", ["ceasefire-verification-ph"]),
    ("election security polling stations", ["electoral-security-ng"]),
    ("electoral dispute resolution", ["electoral-disputes-ke"]),
    ("truth commission public hearings", ["truth-commission-sl"]),
    ("compensation for victims", ["reparations-co"]),
    ("national action plan 1325", ["wps-nap-ug"]),
    ("sexual violence firewood patrols", ["gbv-prevention-cd"]),
    ("parliament oversight of defence budgets", ["ssr-oversight-gn"]),
    ("landmine clearance", ["mine-action-af"]),
    ("gangs youth violence reduction", ["cvr-ht"]),
    ("elders customary courts", ["customary-justice-so", "local-mediation-ly"]),
    ("overcrowded prisons pre-trial detention", ["prison-reform-ml"]),
    ("civil-military coordination humanitarian principles", ["civmil-coordination-ml"]),
    ("civilian roster deployment duty of care", ["roster-deployment-de"]),
    ("indicators to measure stabilization", ["indicators-stabilization"]),
    ("early warning cattle raids", ["early-warning-ke"]),
    ("hate speech on radio", ["disinformation-radio"]),
    ("al-Shabaab defectors rehabilitation", ["pve-rehabilitation-so"]),
    ("returning refugees land disputes", ["land-disputes-bi"]),
    ("tribal mediation Libya", ["local-mediation-ly"]),
    ("child soldiers release", ["child-soldiers-ss"]),
    ("smuggling across the border", ["border-management-tn"]),
    ("procurement corruption", ["anticorruption-ua"]),
    ("lessons learned handover", ["lessons-learned-km"]),
    ("protection of civilians sites", ["poc-mission-ss"]),
    ("jobs for young people", ["youth-employment-tn", "cvr-ht"]),
    ("Sierra Leone", ["truth-commission-sl"]),
    # Harder: other spellings, words only in the body, a country for a theme.
    ("demobilization camps", ["demobilisation-cf"]),
    ("FARC former combatants", ["ddr-reintegration-co"]),
    ("women in peace committees", ["wps-nap-ug"]),
    ("radicalisation in prisons", ["prison-reform-ml"]),
    ("peacekeepers sheltering civilians in bases", ["poc-mission-ss"]),
    ("deminers recruited locally", ["mine-action-af"]),
    ("fact-checking rumours", ["disinformation-radio"]),
    ("Colombia victims", ["reparations-co", "ddr-reintegration-co"]),
]
