"""What a person's plan is about: needs, "I" statement goals and the actions
that go with them, grouped into themes per age group.

Goal text may use {carer} (the main carer's first name) and {town}; goals that
name a carer are only used for people who have one. Agencies in actions are
keys the plan builder resolves to a person, role and organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Theme:
    key: str
    groups: tuple[str, ...]
    needs: tuple[tuple[str, str | None], ...]  # (description, Care Act outcome)
    goals: tuple[str, ...]
    actions: tuple[tuple[str, str], ...]  # (what, agency)
    risks: tuple[str, ...] = ()


OLDER: Final = ("older",)
ADULTS: Final = ("older", "adult")

THEMES: Final[tuple[Theme, ...]] = (
    Theme(
        "mobility",
        ADULTS,
        (
            (
                "Unsteady on my feet since a fall; I use a stick indoors and a frame outside",
                "using_the_home_safely",
            ),
            (
                "Cannot manage the stairs safely, so I have been sleeping in my chair",
                "using_the_home_safely",
            ),
            (
                "Not been out of the house since coming home from hospital",
                "using_community_facilities_and_transport",
            ),
        ),
        (
            "I want to get to the village shop on my own again",
            "I want to walk to the end of {town} high street and back with my frame",
            "I want to get up and down my stairs safely so I can sleep in my own bed",
            "I want to get out into the garden when the weather is fine",
            "I want to be able to get in and out of the car so {carer} can take me out",
            "I want to go to the market in {town} on a Thursday",
        ),
        (
            ("Strength and balance exercises, building up to 3 times a day", "physio"),
            ("Assess for a second stair rail and a perching stool", "ot"),
            ("Practise stairs and kitchen tasks with me during reablement visits", "reablement"),
            ("Do my exercises from the sheet after breakfast", "self"),
            ("Walk with me to the post box on Sundays", "carer"),
            ("Review pain relief so I can keep moving", "gp"),
        ),
        ("falls",),
    ),
    Theme(
        "personal_care",
        ADULTS,
        (
            ("Needs help to wash and dress, especially my lower half", "personal_hygiene"),
            ("Struggling to get on and off the toilet at night", "toilet_needs"),
            (
                "Finding buttons and zips hard because of arthritis in my hands",
                "being_appropriately_clothed",
            ),
        ),
        (
            "I want to have a proper wash every morning without waiting for help",
            "I want to choose my own clothes and get dressed in my own time",
            "I want to have a bath again rather than a strip wash",
            "I want to manage the toilet by myself at night",
        ),
        (
            ("Assess for a bath lift and a raised toilet seat", "ot"),
            ("Morning support with washing and dressing, reducing as I manage more", "reablement"),
            ("Arrange a package of care if I still need help after reablement", "sw"),
            ("Commode by the bed until the toilet frame is fitted", "ot"),
            ("Lay my clothes out the night before", "carer"),
        ),
    ),
    Theme(
        "nutrition",
        ADULTS,
        (
            ("Lost weight since I was widowed; not cooking for myself", "nutrition"),
            ("Cannot stand long enough at the cooker to make a hot meal", "nutrition"),
        ),
        (
            "I want to eat a hot meal every day",
            "I want to get back to a healthy weight",
            "I want to bake for my grandchildren again",
            "I want to get my own breakfast and a cup of tea without help",
        ),
        (
            ("Weigh me monthly and repeat the MUST screen", "nurse"),
            ("Set up frozen meal deliveries and a microwave I can use", "sw"),
            ("Kitchen assessment: trolley and perching stool", "ot"),
            ("Lunch club at the chapel hall on Wednesdays", "connector"),
            ("Build-up drinks between meals, prescribed by the GP", "gp"),
        ),
        ("malnutrition",),
    ),
    Theme(
        "medication",
        ADULTS,
        (
            ("Muddled with my tablets since the new ones were started", None),
            ("Missed doses of my heart tablets; ran out twice last month", None),
        ),
        (
            "I want to take my tablets at the right time without getting muddled",
            "I want to manage my medicines myself for as long as I can",
            "I want to understand what each of my tablets is for",
        ),
        (
            ("Ask the pharmacy for blister packs and a large-print chart", "nurse"),
            ("Structured medication review", "gp"),
            ("Prompt my tablets at breakfast and teatime", "reablement"),
            ("Set the alarm on the tablet dispenser", "telecare"),
            ("Collect my prescription on Fridays", "carer"),
        ),
        ("medication",),
    ),
    Theme(
        "skin",
        OLDER,
        (
            ("Leg ulcer on my left leg that has been slow to heal", None),
            ("At risk of pressure damage because I sit in my chair most of the day", None),
        ),
        (
            "I want my leg to heal so I can wear my own shoes again",
            "I want my skin to stay healthy and not get sore",
            "I want to be able to go to my granddaughter's wedding without my leg weeping",
        ),
        (
            ("Dressings and compression bandaging", "nurse"),
            ("Pressure-relieving cushion and mattress", "nurse"),
            ("Doppler assessment and review of compression", "nurse"),
            ("Move position every two hours during the day", "self"),
            ("Check my heels and bottom when helping me wash", "carer"),
        ),
        ("pressure_damage",),
    ),
    Theme(
        "diabetes",
        ADULTS,
        (("Type 2 diabetes on insulin; my sugars have been high", None),),
        (
            "I want to manage my insulin myself",
            "I want my sugars steady so I can stop worrying about a hypo",
            "I want to look after my feet so I do not lose my toes like my brother did",
        ),
        (
            ("Teach me to check my sugar and give my insulin, then step back", "nurse"),
            ("Diabetes review and HbA1c", "practice_nurse"),
            ("Podiatry referral for foot checks", "gp"),
            ("Keep a record of my sugars in the book", "self"),
        ),
        ("medication",),
    ),
    Theme(
        "breathing",
        ADULTS,
        (("COPD: breathless walking across the room; home oxygen", None),),
        (
            "I want to feel less frightened when I get breathless",
            "I want to manage a flare-up at home rather than go back into hospital",
            "I want to walk to the bus stop without stopping",
        ),
        (
            ("Teach breathing control and pacing", "physio"),
            ("Rescue pack at home with a plan for when to start it", "gp"),
            ("Oxygen safety check and smoke alarm fitted", "telecare"),
            ("Pulmonary rehabilitation at the community hospital", "nurse"),
            ("Fan by my chair and my breathing exercises", "self"),
        ),
        ("fire",),
    ),
    Theme(
        "memory",
        OLDER,
        (
            ("Memory problems: forgets meals and whether the door is locked", None),
            ("Getting lost when out on my own", "using_community_facilities_and_transport"),
        ),
        (
            "I want to stay living at home with {carer}",
            "I want to keep doing my crossword every morning",
            "I want to keep going to chapel on Sundays",
            "I want {carer} to get a break without me having to go into a home",
        ),
        (
            ("Memory assessment and follow-up", "mh"),
            ("Door sensor and a GPS locator", "telecare"),
            ("Day centre on Tuesdays so {carer} gets a break", "sw"),
            ("Talk through lasting power of attorney with the family", "sw"),
            ("Memory café at the library on Fridays", "connector"),
        ),
        ("self_neglect",),
    ),
    Theme(
        "isolation",
        ADULTS,
        (
            (
                "Lonely since moving here; do not see anyone for days",
                "family_and_personal_relationships",
            ),
            (
                "Stopped going out since I gave up driving",
                "using_community_facilities_and_transport",
            ),
        ),
        (
            "I want to see people more than once a week",
            "I want to get back to the bowls club",
            "I want to use the community bus to get to {town} on my own",
            "I want to make a video call to my grandchildren in Australia",
        ),
        (
            ("Weekly befriending visit", "voluntary"),
            ("Introduce me to the community bus and the luncheon club", "connector"),
            ("Help setting up the tablet for video calls", "connector"),
            ("Ring me on Sunday evenings", "carer"),
        ),
        ("social_isolation",),
    ),
    Theme(
        "carer",
        ADULTS,
        (
            (
                "{carer} is exhausted and struggling to keep going",
                "family_and_personal_relationships",
            ),
        ),
        (
            "I want to stay living at home with {carer}",
            "I want {carer} to get some time off from looking after me",
            "I want us both to sleep through the night",
        ),
        (
            ("Offer {carer} a carer's assessment", "sw"),
            ("Sitting service on Wednesday afternoons", "voluntary"),
            ("Emergency plan for if {carer} is taken ill", "sw"),
            ("Night-time continence review", "nurse"),
        ),
        ("carer_breakdown",),
    ),
    Theme(
        "home",
        ADULTS,
        (
            ("Home is cold and damp; the heating is unreliable", "habitable_home"),
            ("Clutter in the hallway and on the stairs", "using_the_home_safely"),
        ),
        (
            "I want to keep warm this winter",
            "I want my house to feel safe and tidy enough to have visitors",
            "I want to be able to answer the door safely",
        ),
        (
            ("Warm home grant application and a boiler check", "connector"),
            ("Handyperson visit for grab rails and a door viewer", "voluntary"),
            ("Fire safety visit and smoke alarms", "telecare"),
            ("Sort the hallway together, one box at a time", "reablement"),
        ),
        ("fire", "self_neglect"),
    ),
    Theme(
        "end_of_life",
        OLDER,
        (("Advanced heart failure; tires very easily", None),),
        (
            "I want to stay at home with {carer} to the end",
            "I want my pain kept under control so I can enjoy my family",
            "I want to see the sea at Sandsend one more time",
        ),
        (
            ("Anticipatory medicines in the house", "gp"),
            ("Visit twice a week and review symptoms", "nurse"),
            ("Fast-track continuing healthcare application", "matron"),
            ("ReSPECT conversation with me and my family", "gp"),
        ),
        ("pressure_damage",),
    ),
)
