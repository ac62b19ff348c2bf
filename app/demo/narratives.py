"""Contact note prose: an opening per contact type, a body per kind of author,
a detail per plan theme, and a closing line. Placeholders: {name} the person's
preferred name, {carer} the main carer, {goal} a goal statement, {gp} the GP,
{week} the reablement week, {town}."""

from __future__ import annotations

from typing import Final

OPENINGS: Final[dict[str, tuple[str, ...]]] = {
    "home_visit": (
        "Visited {name} at home.",
        "Home visit; {name} in the lounge when I arrived.",
        "Joint visit at home with {carer} present.",
        "Planned visit at home.",
    ),
    "phone_call": (
        "Phoned {name}.",
        "Call from {carer}.",
        "Telephone review with {name}.",
        "Rang {name} to follow up last week's visit.",
        "Call from {name}.",
    ),
    "mdt_meeting": (
        "Discussed at the weekly MDT.",
        "Reviewed at the locality MDT with {gp}.",
        "{name} discussed at the virtual ward huddle.",
    ),
    "reablement_session": (
        "Reablement week {week}: morning call.",
        "Reablement week {week}: teatime call.",
        "Reablement week {week}.",
    ),
    "telecare_response": (
        "Pendant alarm activation.",
        "Falls sensor activation overnight.",
        "Carephone call: no response to the welfare check.",
        "Smoke alarm activation via Carephone.",
    ),
    "discharge_follow_up": (
        "Home from hospital yesterday; follow-up visit.",
        "Discharge follow-up within 48 hours.",
        "First visit after discharge from the community hospital.",
    ),
    "out_of_hours_visit": (
        "Evening visit (out of hours).",
        "Out-of-hours call-out requested by {carer}.",
        "Late visit, requested by the day team.",
    ),
    "clinic": ("Seen in clinic at the surgery.", "Clinic appointment; brought by {carer}."),
    "video_call": ("Video call with {name} and {carer}.", "Video review with {name}."),
}

KEY_SAFE_OPENING: Final = "Visited {name}; let myself in using the key safe as agreed."
WEEKEND_OPENINGS: Final = (
    "Weekend visit.",
    "Weekend visit (7-day service).",
    "Saturday call-out requested by {carer}.",
)

BODIES: Final[dict[str, tuple[str, ...]]] = {
    "nurse": (
        "Observations within normal range; chest clear.",
        "Skin intact over heels and sacrum; encouraged to keep changing position.",
        "Reports pain 3/10, better with regular paracetamol.",
        "Ankles swollen; weight up 2 kg since last week, so discussed with {gp}.",
        "Checked medicines against the chart: two doses missed this week.",
        "Catheter draining well; no signs of infection.",
        "Bloods taken for INR and sent to the lab.",
    ),
    "ooh": (
        "Catheter blocked; changed without problem.",
        "{name} anxious and breathless; settled after reassurance and the fan.",
        "Pain not controlled; gave the anticipatory dose as prescribed.",
        "Found on the floor by the bed; no injury found; helped back to bed.",
        "Dressing had slipped; redressed.",
    ),
    "cpn": (
        "Mood a little brighter; sleeping better since the new routine.",
        "Talked through the safety plan; knows who to ring.",
        "Some low days this week but getting out for short walks.",
    ),
    "cpn_memory": (
        "Memory scores similar to last time; {carer} coping but tired.",
        "More settled since the day centre started; less wandering at night.",
        "Talked with {carer} about what to do when {name} gets agitated.",
    ),
    "nurse_young": (
        "Weighed and plotted on the centile chart; gaining steadily.",
        "Talked through safe sleep and feeding; Mum confident.",
        "Asked about Mum's mood; sleeping a bit better this week.",
        "Sugars reviewed with {name}; fewer hypos this month.",
        "Catch-up with {name}: says things are better at school.",
    ),
    "sw_young": (
        "Met {name} at school with the head of year.",
        "Talked with {name} about what they want from the plan.",
        "Family meeting; Mum and {name} both came.",
        "Housing application updated; waiting for an offer.",
        "Talked about moving to adult services and what {name} would like.",
    ),
    "practice_nurse": (
        "Annual review done; HbA1c improved.",
        "Blood pressure 138/82; no changes to tablets.",
        "Foot check done; pulses present, skin intact.",
    ),
    "sw": (
        "Reviewed the care package; calls working well but the teatime call is too early.",
        "Talked about what a good day looks like for {name}.",
        "{carer} is finding things hard; offered a carer's assessment.",
        "Discussed a direct payment so {name} can choose who comes in.",
        "Financial assessment forms completed together.",
        "Talked through options for respite; {name} would prefer care at home.",
    ),
    "ot": (
        "Bath board and toilet frame fitted and practised safely.",
        "Watched {name} get in and out of bed: needs a bed lever.",
        "Kitchen assessment: managing hot drinks with the trolley.",
        "Measured for a second stair rail; order placed.",
        "Perching stool delivered; {name} using it to wash at the sink.",
    ),
    "physio": (
        "Strength and balance exercises reviewed; now doing 3 sets.",
        "Walked to the end of the garden path with the frame, one rest.",
        "Practised getting up from the floor using the backward chaining method.",
        "Timed up-and-go improved from 24 to 18 seconds.",
    ),
    "reablement": (
        "Prompted {name} to wash at the sink; managed the top half alone.",
        "Made breakfast together; {name} did the toast and tea.",
        "Practised the stairs with supervision; steady.",
        "Tablets prompted and taken.",
        "Walked to the post box and back; tired but pleased.",
        "Independent with dressing today apart from socks.",
    ),
    "connector": (
        "Talked about what {name} used to enjoy; keen on the lunch club.",
        "Booked the community bus for Thursday.",
        "Linked {name} with the memory café at the library.",
        "Helped apply for Attendance Allowance.",
    ),
    "befriender": (
        "Befriending visit: chatted about the farm and the old days.",
        "Weekly befriending call; {name} in good spirits.",
        "Volunteer visit went well; {name} would like to keep the same volunteer.",
    ),
    "telecare": (
        "Mobile response attended within 30 minutes; no injury; helped up with the "
        "lifting cushion.",
        "False alarm: pendant pressed by accident; reminded how it works.",
        "Spoke to {name} through the speaker; {carer} informed.",
        "No answer, so used the key safe; {name} asleep and well.",
    ),
    "coordinator": (
        "Agreed lead professional stays the same; review date set.",
        "Waiting list for OT flagged; interim equipment arranged.",
        "Care package hours reviewed with the provider.",
        "Risks reviewed: no change; contingency plan still current.",
    ),
}

THEME_DETAIL: Final[dict[str, tuple[str, ...]]] = {
    "mobility": ("Walking a little further each week.", "Still nervous on the stairs."),
    "personal_care": ("Managing the top half of washing alone now.",),
    "nutrition": ("Weight 52.4 kg, steady.", "Eating better since the frozen meals started."),
    "medication": ("Blister pack in use; no missed doses this week.",),
    "skin": (
        "Leg ulcer measured: smaller than last week; compression reapplied.",
        "Red area on sacrum has blanched; cushion in use.",
    ),
    "diabetes": ("Blood sugar 8.2 before lunch.", "Drawing up insulin with supervision."),
    "breathing": ("Using the rescue pack plan correctly; sats 91% on air.",),
    "memory": ("More confused in the evenings, according to {carer}.",),
    "isolation": ("Said it was the first person they had spoken to all week.",),
    "carer": ("{carer} looks exhausted.", "{carer} has had a break this week."),
    "home": ("House cold; heating not on.", "Hallway clearer than last time."),
    "end_of_life": ("Comfortable; family with {name}.", "Sleeping more; eating little."),
    "independence": ("Did the shopping list alone.",),
    "work": ("Went to the volunteering taster session.",),
    "mental_health": ("Sleeping better.", "Found this week hard."),
    "school": ("Attended school four days out of five.",),
    "type1": ("Sugars steadier since carb counting.",),
    "feeding": ("Baby weighed: 4.1 kg, gaining.", "Feeding every three hours."),
    "family": ("Mum seemed brighter today.", "Housing officer has visited."),
}

GOAL_LINES: Final = (
    'Worked towards "{goal}".',
    'Talked about "{goal}": making progress.',
    'Goal "{goal}" reviewed with {name}.',
)

CLOSINGS: Final[dict[str, tuple[str, ...]]] = {
    "default": (
        "Plan continues; next visit as booked.",
        "No changes to the plan.",
        "Will review next week.",
        "Care plan updated.",
        "Told {name} how to contact us.",
        "{name} happy with the plan.",
    ),
    "mdt_meeting": ("Actions agreed and added to the plan.", "Review in four weeks."),
    "telecare_response": ("{carer} informed.", "Team informed by email."),
    "out_of_hours_visit": ("Handed over to the day team.", "Day team to follow up tomorrow."),
}

NO_ACCESS: Final = (
    "No reply at the door and no answer on the phone. Checked with {carer}: "
    "{name} was at a hospital appointment. Rebooked."
)
SAFEGUARDING: Final = (
    "Safeguarding strategy discussion held. Actions agreed with {name}, who "
    "has capacity and wants to stay at home. Details in the safeguarding "
    "record."
)
CORRECTION: Final = (
    "Correction to my note of {when}: the dressing used was silicone foam, not hydrocolloid.",
    "Correction to my note of {when}: {carer} was not present; it was a neighbour.",
    "Correction to my note of {when}: the visit was a phone call, not a home visit.",
)
