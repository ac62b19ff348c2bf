"""Themes for younger adults with disabilities or long-term conditions, young
people 13-19, and families with a baby under two."""

from __future__ import annotations

from typing import Final

from app.demo.themes import THEMES, Theme

ADULT: Final = ("adult",)
TEEN: Final = ("teen",)
BABY: Final = ("baby",)

YOUNG_THEMES: Final[tuple[Theme, ...]] = (
    Theme(
        "independence",
        ADULT,
        (
            (
                "Learning disability: needs support with money, shopping and appointments",
                "using_community_facilities_and_transport",
            ),
            ("Multiple sclerosis: fatigue and weakness in my legs", "using_the_home_safely"),
        ),
        (
            "I want to live in my own flat with the right support",
            "I want to do my own shopping at the Co-op with a list",
            "I want to catch the bus to {town} on my own",
            "I want to cook a meal for my friends",
        ),
        (
            ("Travel training on the bus route, three sessions", "connector"),
            ("Support plan for budgeting and bills", "sw"),
            ("Kitchen assessment and adapted equipment", "ot"),
            ("Direct payment review so I can choose my own personal assistant", "sw"),
            ("Practise the shopping list with me", "carer"),
        ),
        ("self_neglect",),
    ),
    Theme(
        "work",
        ADULT,
        (
            (
                "Wants to get back to work or volunteering since my stroke",
                "work_training_education_volunteering",
            ),
        ),
        (
            "I want to volunteer at the charity shop two mornings a week",
            "I want to get back to work part-time",
            "I want to finish my college course",
        ),
        (
            ("Link with the volunteering centre", "connector"),
            ("Fatigue management programme", "ot"),
            ("Letter to my employer about a phased return", "gp"),
        ),
    ),
    Theme(
        "mental_health",
        ("adult", "teen"),
        (("Low mood and anxiety; not leaving the house", "family_and_personal_relationships"),),
        (
            "I want to feel well enough to go out with my friends again",
            "I want to sleep better and stop worrying all night",
            "I want to know who to call when things get bad",
        ),
        (
            ("Weekly visits from the community mental health nurse", "mh"),
            ("Medication review", "gp"),
            ("Crisis plan written with me", "mh"),
            ("Walking group on Saturday mornings", "connector"),
        ),
    ),
    Theme(
        "school",
        TEEN,
        (
            ("Missing school because of my health", "work_training_education_volunteering"),
            ("Young carer for Mum, who has MS", "family_and_personal_relationships"),
        ),
        (
            "I want to go back to school full time",
            "I want to pass my GCSEs",
            "I want to get to the youth club on Friday nights",
            "I want some time for me as well as helping Mum",
        ),
        (
            ("Meeting with school about a part-time timetable", "sw"),
            ("Young carers group on Thursdays", "voluntary"),
            ("Review my care plan with me before I move to adult services", "sw"),
            ("School nurse check-in every fortnight", "nurse"),
        ),
    ),
    Theme(
        "type1",
        TEEN,
        (("Type 1 diabetes; sugars all over the place since starting college", None),),
        (
            "I want to manage my insulin myself",
            "I want to go on the school trip without Mum worrying",
            "I want to play football without having a hypo",
        ),
        (
            ("Teach carb counting and adjusting doses for exercise", "practice_nurse"),
            ("Talk to the school about a plan for hypos", "nurse"),
            ("Check my sugars before and after football", "self"),
        ),
        ("medication",),
    ),
    Theme(
        "feeding",
        BABY,
        (
            ("Baby born early; slow weight gain", "caring_for_a_child"),
            ("Feeding difficulties; Mum exhausted", "caring_for_a_child"),
        ),
        (
            "I want to feel confident feeding my baby",
            "I want my baby to put on weight and stay out of hospital",
            "I want to get out to the baby group in {town}",
        ),
        (
            ("Weigh the baby weekly and review feeding", "nurse"),
            ("Infant feeding support group on Tuesdays", "voluntary"),
            ("Check on Mum's mood at each visit", "nurse"),
            ("Help with transport to the children's centre", "connector"),
        ),
    ),
    Theme(
        "family",
        BABY,
        (
            (
                "Mum has low mood since the birth; little family support nearby",
                "caring_for_a_child",
            ),
            ("Housing is damp and overcrowded", "habitable_home"),
        ),
        (
            "I want to enjoy being a mum",
            "I want us to have a warm, dry home for the baby",
            "I want my partner and me to get some sleep",
        ),
        (
            ("Perinatal mental health referral", "mh"),
            ("Support with the housing application", "sw"),
            ("Home-Start volunteer once a week", "voluntary"),
            ("Safe sleep advice and a smoke alarm", "telecare"),
        ),
        ("carer_breakdown",),
    ),
)

ALL_THEMES: Final[tuple[Theme, ...]] = THEMES + YOUNG_THEMES


def themes_for(group: str) -> tuple[Theme, ...]:
    return tuple(t for t in ALL_THEMES if group in t.groups)


# Goals any plan can carry besides its themes' goals.
GENERAL_GOALS: Final[dict[str, tuple[str, ...]]] = {
    "older": (
        "I want to stay living in my own home",
        "I want to stay living at home with {carer}",
        "I want to keep my independence for as long as I can",
        "I want to get to my grandson's wedding in the summer",
        "I want to keep my garden going",
        "I want to be able to feed the birds again",
    ),
    "adult": (
        "I want to be in charge of my own support",
        "I want to keep my flat",
        "I want to get fitter and lose some weight",
    ),
    "teen": ("I want to be listened to about my own care", "I want to learn to drive"),
    "baby": ("I want my baby to be healthy and happy", "I want to know where to go for help"),
}
