"""Risks, alerts and contingency plans: the text a visitor needs first.

Placeholders: {name} the person's preferred name, {carer} the main carer's
name (or "my family"), {telecare} the 24-hour telecare number, {team} the
team's number, {ooh} the community trust's out-of-hours number, {edt} the
council's emergency duty number, {crisis} the mental health crisis line.
Alert summaries never hold a key safe code or any other four-digit secret:
those go in restricted detail only.
"""

from __future__ import annotations

from typing import Final

from app.values.vocab import AlertKind, RiskKind

# kind -> ((description, mitigation), ...)
RISKS: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    RiskKind.FALLS.value: (
        (
            "Two falls in the last six months, one at night going to the toilet",
            "Pendant alarm worn day and night; commode by the bed; strength and balance work",
        ),
        (
            "Unsteady when tired; rugs and trailing wires in the lounge",
            "Rugs removed with {name}'s agreement; OT to review lighting on the landing",
        ),
        (
            "Refuses to use the walking frame indoors",
            "Respecting {name}'s choice; agreed to use the frame on the stairs at least",
        ),
    ),
    RiskKind.PRESSURE_DAMAGE.value: (
        (
            "Waterlow score in the high-risk range; red area on the sacrum",
            "Pressure-relieving mattress and cushion; repositioning every two hours; "
            "skin checked at each visit",
        ),
        (
            "Sits in the same chair most of the day and night",
            "Encouraging bed at night; cushion in the chair; carers to report any redness",
        ),
    ),
    RiskKind.SELF_NEGLECT.value: (
        (
            "Declining help with washing; food out of date in the fridge",
            "Building trust through the same two workers; weekly check of the fridge agreed",
        ),
        (
            "Hoarding in the kitchen and hallway; blocked exit",
            "Fire service safe and well visit; clearing one area at a time at {name}'s pace",
        ),
    ),
    RiskKind.CARER_BREAKDOWN.value: (
        (
            "{carer} is the only carer and has been unwell",
            "Carer's assessment offered; emergency plan agreed; sitting service weekly",
        ),
        (
            "{carer} says they are not sleeping and cannot keep going",
            "Respite options discussed; extra morning call added; GP aware",
        ),
    ),
    RiskKind.MEDICATION.value: (
        (
            "Missed and doubled doses since the new tablets were started",
            "Blister packs from the pharmacy; tablets prompted at breakfast and tea",
        ),
        (
            "Keeps old medicines in the house and takes them when in pain",
            "Old stock returned to the pharmacy with {name}'s agreement",
        ),
    ),
    RiskKind.SOCIAL_ISOLATION.value: (
        (
            "No visitors apart from carers; low mood",
            "Befriending referral; community bus; phone call from the connector weekly",
        ),
    ),
    RiskKind.FIRE.value: (
        (
            "Smokes in the chair; burns on the carpet",
            "Fire service visit; fire-retardant throw; smoke alarm linked to Carephone",
        ),
        (
            "Home oxygen and an open fire in the lounge",
            "Oxygen safety advice given; fire guard fitted; linked smoke alarms",
        ),
    ),
    RiskKind.MALNUTRITION.value: (
        (
            "Weight down 4 kg in three months; MUST score 2",
            "Food diary; build-up drinks; frozen meals; weigh monthly",
        ),
    ),
}

# General risks anyone may carry besides their themes' risks.
COMMON_RISKS: Final[tuple[str, ...]] = (
    RiskKind.FALLS.value,
    RiskKind.SOCIAL_ISOLATION.value,
    RiskKind.MEDICATION.value,
)

# kind -> ((summary, restricted detail or None), ...)
ALERTS: Final[dict[str, tuple[tuple[str, str | None], ...]]] = {
    AlertKind.ANIMAL.value: (
        (
            "Dog in the house (a Border collie called Meg): ask for her to be shut in the "
            "kitchen before you go in",
            None,
        ),
        ("Two cats: keep the back door shut so they do not get out", None),
        ("Large dog, nervous of strangers: phone ahead so it can be put in the garden", None),
    ),
    AlertKind.ACCESS_TO_HOME.value: (
        (
            "Key safe by the back door: the code is in restricted detail. Knock and call out "
            "before letting yourself in.",
            "Key safe code {code}. Please reset the dial after use.",
        ),
        (
            "Key safe on the wall by the garage: code in restricted detail. {name} may not "
            "hear the door.",
            "Key safe code {code}.",
        ),
        (
            "Front door is kept locked; neighbour holds a key. Key safe fitted: code in "
            "restricted detail.",
            "Key safe code {code}; spare key with the neighbour.",
        ),
    ),
    AlertKind.OXYGEN.value: (
        ("Home oxygen in use: no smoking and no naked flames in the house", None),
    ),
    AlertKind.DNACPR.value: (
        ("DNACPR decision in place: the original form is in the home folder", None),
    ),
    AlertKind.RESPECT.value: (
        ("ReSPECT form in place: the original is in the yellow folder in the kitchen", None),
    ),
    AlertKind.LONE_WORKER.value: (
        (
            "Lone-worker caution: a family member has been verbally aggressive to staff; "
            "visit in pairs and check in with the team on leaving",
            None,
        ),
        (
            "Lone-worker caution: isolated farmhouse with no phone signal; tell the team "
            "your arrival and leaving times",
            None,
        ),
    ),
    AlertKind.ALLERGY.value: (
        ("Allergy: penicillin (rash and swelling)", None),
        ("Allergy: latex; use nitrile gloves", None),
        ("Allergy: sticking plasters and some dressings (blistering)", None),
        ("Allergy: codeine (vomiting)", None),
    ),
    AlertKind.SAFEGUARDING.value: (
        (
            "Safeguarding concern open: speak to the social worker before discussing money "
            "with family",
            "Section 42 enquiry opened after bank statements showed large "
            "withdrawals by a relative. Do not share financial details with visitors.",
        ),
        (
            "Safeguarding: speak to the lead professional before visiting",
            "Concern about a relative's behaviour when drinking. Person has capacity and "
            "wants support to stay at home; safety plan agreed.",
        ),
    ),
}

# Contingency plans: (name, trigger, what should happen, who to contact, early signs)
CONTINGENCY: Final[dict[str, tuple[str, str, str, str, str | None]]] = {
    "fall": (
        "If I fall",
        "I fall and cannot get up",
        "If I fall and cannot get up, press my pendant. Carephone will call {carer}, then "
        "the mobile response team, who can lift me. Do not try to lift me on your own.",
        "Carephone, 24 hours: {telecare}. Team (weekdays): {team}.",
        "I get dizzy when I stand up quickly, or I have been unwell and not eating",
    ),
    "carer": (
        "If {carer} is taken ill",
        "{carer} cannot care for me, even for a night",
        "Ring the team in the day or the council's emergency duty team out of hours. Emergency "
        "respite at home is agreed in principle; I would rather stay at home than go to a "
        "care home.",
        "Team: {team}. Emergency duty team (evenings and weekends): {edt}.",
        "{carer} sounds tired or says they have had a bad night",
    ),
    "breathing": (
        "If my breathing gets worse",
        "I am more breathless than usual, or my phlegm changes colour",
        "Start the rescue pack as the GP explained and ring the surgery. If I cannot "
        "speak in sentences, ring 999.",
        "GP surgery (weekdays); out of hours NHS 111; district nurses out of hours: {ooh}.",
        "Needing the oxygen more; not able to finish a meal",
    ),
    "hypo": (
        "If my sugar goes low",
        "I am shaky, sweaty or confused",
        "Give me glucose tablets or a sugary drink, then a biscuit. If I do not pick up "
        "within 15 minutes, ring 999.",
        "District nurses: {team}; out of hours: {ooh}.",
        "Skipping meals or being more active than usual",
    ),
    "end_of_life": (
        "If my symptoms change near the end of my life",
        "Pain, sickness, agitation or noisy breathing",
        "Ring the district nurses day or night: anticipatory medicines are in the house. "
        "I do not want to go to hospital. My ReSPECT form says what I want.",
        "District nurses: {team}; out of hours (24 hours): {ooh}.",
        None,
    ),
    "crisis": (
        "If I am in crisis",
        "I stop eating, stop answering the phone, or talk about harming myself",
        "Ring the crisis line and my mental health nurse. Remind me of my safety plan: "
        "the people I can talk to and the things that help.",
        "Crisis line (24 hours): {crisis}. Team: {team}.",
        "Staying in bed, not answering messages",
    ),
}

# What is in the house for each contingency, where it matters.
EQUIPMENT: Final[dict[str, str]] = {
    "end_of_life": "Anticipatory medicines and a syringe driver plan in the house",
    "breathing": "Rescue pack (antibiotics and steroids) in the kitchen drawer",
    "fall": "Pendant alarm, key safe and a falls sensor",
}
