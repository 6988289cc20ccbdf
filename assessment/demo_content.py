"""What the demo's fictional places say: their names, kinds, regions and profiles, and the
evidence their people give. Everything here is made up (assessment.demo seeds it)."""

from assessment.models import PlaceKind, Region, RoundStatus, Sharing

EVIDENCE = {
    "impact": [
        "Non-elective admissions for over-75s fell 6% against the 2024 baseline; tracked monthly.",
        "We count care plans written but have no agreed outcome measures yet.",
        "Patient-reported experience has been surveyed twice; cost impact is not yet measured.",
    ],
    "place": [
        "One council, one trust and one CCG footprint line up; the acute trust is in deficit.",
        "Three councils and two trusts cross our boundary, which slows every decision.",
        "A strong shared identity: people see the borough as one place.",
    ],
    "focus-on-individuals": [
        "Risk stratification covers the top 2% by admission risk, using GP data only.",
        "We now segment the whole population by need, using linked health and social care data.",
        "Frailty registers in every practice; segmentation beyond that is still a plan.",
    ],
    "care-model": [
        "Multidisciplinary teams meet weekly in four of six neighbourhoods.",
        "Rapid response and reablement are joined up; mental health is not yet in the teams.",
        "Care coordinators in every practice, piloted in 2025 and scaled this year.",
    ],
    "information-management": [
        "A shared care record is live for GPs and the acute trust; social care reads it from May.",
        "Information governance agreement signed by all partners in March.",
        "Data still moves by spreadsheet between council and NHS analysts.",
    ],
    "commissioning-and-payment": [
        "Better Care Fund at the minimum; no new contract forms yet.",
        "A pooled budget of £42m for community services under a section 75 agreement.",
        "We are modelling a capitated budget for the over-65s from 2027.",
    ],
    "workforce": [
        "Joint induction for council and NHS staff in the integrated teams.",
        "Vacancies in district nursing at 18%; the workforce plan is still by organisation.",
        "New care navigator roles accredited with the local college.",
    ],
    "governance": [
        "The health and wellbeing board meets quarterly but its decisions bind nobody.",
        "An alliance agreement sets shared outcomes and risk share across five partners.",
        "A joint committee with delegated budgets started in April.",
    ],
    "leadership": [
        "Chief executives meet monthly and present one story to staff.",
        "Clinical leads from primary care chair the programme board.",
        "Turnover at the top has slowed progress: three directors in two years.",
    ],
}
LESSON_EVIDENCE = [
    "Discussed at the programme board in September; actions agreed.",
    "Some progress in two neighbourhoods, not yet across the place.",
    "Partners agree in principle; no resources committed yet.",
    "Part of our integration strategy, reviewed every six months.",
    "We have not looked at this together yet.",
]

PLACES = [
    {
        "code": "riverside",
        "name": "Riverside Borough",
        "kind": PlaceKind.BOROUGH,
        "region": Region.LONDON,
        "lead": ("Priya", "Shah"),
        "people": [("Tom", "Hughes"), ("Asha", "Patel"), ("Grace", "Okafor"), ("Dan", "Reilly")],
        # Who has not started the open round: the README's demo respondent (Asha), so signing
        # in as her opens a round still to score, and Dan, whom the browser tests score with.
        "not_started": ("Asha", "Dan"),
        "rounds": [
            ("2025 Q4", RoundStatus.CLOSED, Sharing.NAMED),
            ("2026 Q2", RoundStatus.CONSENSUS, Sharing.PRIVATE),
            ("2026 Q4", RoundStatus.OPEN, Sharing.PRIVATE),
        ],
    },
    {
        "code": "northmoor",
        "name": "Northmoor Integrated Care System",
        "kind": PlaceKind.ICS,
        "region": Region.NORTH_EAST_YORKSHIRE,
        "lead": ("Ian", "Walker"),
        "people": [("Helen", "Brook"), ("Sam", "Ahmed"), ("Ruth", "Denby"), ("Kofi", "Mensah")],
        "rounds": [
            ("2025 Q4", RoundStatus.CLOSED, Sharing.ANONYMOUS),
            ("2026 Q2", RoundStatus.CLOSED, Sharing.NAMED),
        ],
    },
    {
        "code": "eastvale",
        "name": "Eastvale Health and Wellbeing Board",
        "kind": PlaceKind.HWB,
        "region": Region.EAST,
        "lead": ("Maria", "Costa"),
        "people": [("Joe", "Fenn"), ("Lena", "Berg"), ("Oli", "Grant")],
        "rounds": [
            ("2026 Q2", RoundStatus.CLOSED, Sharing.NAMED),
            ("2026 Q4", RoundStatus.OPEN, Sharing.PRIVATE),
        ],
    },
    # Enough places share for a member to see the spread of places like theirs: a comparison
    # shows no single place's level among fewer than COMPARE_MIN_GROUP (5).
    {
        "code": "westbrook",
        "name": "Westbrook Borough",
        "kind": PlaceKind.BOROUGH,
        "region": Region.SOUTH_WEST,
        "lead": ("Nadia", "Khan"),
        "people": [("Rob", "Ellis"), ("Meg", "Lowe")],
        "rounds": [("2026 Q2", RoundStatus.CLOSED, Sharing.ANONYMOUS)],
    },
    {
        "code": "southdale",
        "name": "Southdale Integrated Care System",
        "kind": PlaceKind.ICS,
        "region": Region.SOUTH_EAST,
        "lead": ("Owen", "Price"),
        "people": [("Ivy", "Shaw"), ("Ken", "Doyle")],
        "rounds": [("2026 Q2", RoundStatus.CLOSED, Sharing.ANONYMOUS)],
    },
    {
        "code": "highfield",
        "name": "Highfield Health and Wellbeing Board",
        "kind": PlaceKind.HWB,
        "region": Region.MIDLANDS,
        "lead": ("Ruth", "Adeyemi"),
        "people": [("Sean", "Moss"), ("Tara", "Quinn")],
        "rounds": [("2026 Q2", RoundStatus.CLOSED, Sharing.NAMED)],
    },
]
