"""About me (the seven PRSB prompts) and strengths, in the person's own voice."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Final

from app.demo.common import Row
from app.demo.people import COMMUNICATION
from app.demo.subject import Subject

INTERPRETER: Final = (
    "I speak {language} at home; for anything important I'd like an interpreter, not my grandson."
)
WARFARIN: Final = "I take warfarin for my heart rhythm, so the nurse checks my INR."
# Phrases only a woman says (the Women's Institute), and phrases tied to a plan theme
# (said only by someone whose plan has that theme, so About me and the plan agree).
WOMEN_ONLY: Final = ("the WI",)
THEME_OF: Final = {
    "I have COPD": "breathing",
    "My memory is not what it was": "memory",
    "I have had diabetes": "diabetes",
    "I have type 1 diabetes": "type1",
    "I get anxious": "mental_health",
}
MOSTLY_WELL: Final = {
    "teen": "I am mostly well; my plan says what I need help with.",
    "baby": "Mum: the baby is well apart from what is in the plan.",
}

# prompt -> group -> phrases; two or three are joined per prompt.
ABOUT: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "most_important": {
        "older": (
            "Staying in my own home, where I have lived for {years} years.",
            "My garden, and my cat, {pet}.",
            "Seeing my grandchildren and getting to chapel on a Sunday.",
            "Being independent. I don't like a fuss.",
            "Keeping my dignity: I would rather do things slowly than have them done for me.",
            "Getting out to {town} on market day.",
            "My dog, {pet}. She is my reason to get up in the morning.",
        ),
        "adult": (
            "Living my own life, in my own flat.",
            "My friends and my music.",
            "Being in charge of my own support.",
            "Getting back to work.",
        ),
        "teen": (
            "My friends, and not being treated like a little kid.",
            "Football on Saturdays.",
            "Looking after my mum and my little brother.",
        ),
        "baby": (
            "Mum: that my baby is healthy and happy.",
            "Mum: getting some sleep and feeling like myself again.",
        ),
    },
    "important_people": {
        "older": (
            "{carer_phrase}, who I see every day.",
            "My neighbour, who has a key and keeps an eye on me.",
            "My son in Leeds, who rings every Sunday.",
            "My friends from the WI.",
            "My grandchildren.",
            "The lads from the farm who still call in.",
        ),
        "adult": (
            "{carer_phrase}.",
            "My support worker, who I have known for years.",
            "My friends from the day centre.",
        ),
        "teen": ("Mum, my nan, and my best friend.", "My youth worker."),
        "baby": (
            "Mum: my partner and my mum, who lives nearby.",
            "Mum: the health visitor and my friends from the baby group.",
        ),
    },
    # A communication need is said first, from app.demo.people.COMMUNICATION (the same
    # choice as the record's communication needs); these are the other ways people put it.
    "how_i_communicate": {
        "older": (
            "Ring before you come: I won't answer the door to people I'm not expecting.",
            "Just talk to me normally, I'm not daft.",
            INTERPRETER,
        ),
        "adult": (
            "Text me rather than ring.",
            "Use simple words and check I've understood.",
        ),
        "teen": ("Message me, don't ring.", "Talk to me, not just to Mum."),
        "baby": ("Mum: text me first; the baby might be asleep.",),
    },
    "my_wellness": {
        "older": (
            "I have COPD and get breathless, and arthritis in my hands.",
            "Heart failure, and my legs swell by teatime.",
            "My memory is not what it was.",
            "I have had diabetes since I was fifty.",
            "I am mostly well but I have had two falls this year.",
        ),
        "adult": (
            "I have multiple sclerosis and get tired very quickly.",
            "I have a learning disability and epilepsy, which is well controlled.",
            "Since my stroke my right side is weak.",
        ),
        "teen": ("I have type 1 diabetes.", "I get anxious, especially at school."),
        "baby": ("Mum: the baby came early and is a slow feeder.",),
    },
    "please_do_and_dont": {
        "older": (
            "Please do call me {preferred}. Please don't call me 'love'.",
            "Please use the shoe covers by the door.",
            "Please put things back where you found them.",
            "Please don't move my chair.",
            "Please do have a cup of tea with me if you have time.",
        ),
        "adult": ("Please do ask me first, not my mum.", "Please don't rush me."),
        "teen": ("Please don't talk about me at school.", "Do be straight with me."),
        "baby": (
            "Mum: please don't turn up without ringing.",
            "Mum: please do tell me what you are weighing and why.",
        ),
    },
    "how_and_when_to_support_me": {
        "older": (
            "Mornings are hard: I'm stiff until about ten.",
            "Help me with my back and feet; I can do the rest.",
            "Remind me about my tablets but let me take them myself.",
            "I am best after lunch.",
        ),
        "adult": ("Help me plan my week on a Monday.", "Support me at appointments."),
        "teen": ("After school is best, not in lessons.",),
        "baby": ("Mum: mornings after the ten o'clock feed are best.",),
    },
    "also_worth_knowing": {
        "older": (
            "I farmed up the dale all my working life.",
            "I was a nurse at the cottage hospital for thirty years.",
            "I played the organ at chapel.",
            "I served in the RAF.",
            "I ran the post office in {town} for twenty years.",
            "I love cricket on the radio.",
            "I came to England in 1962.",
        ),
        "adult": ("I love the Rovers and never miss a home game.", "I make candles to sell."),
        "teen": ("I want to be a vet.", "I play the drums."),
        "baby": ("Mum: we moved here six months ago and don't know many people yet.",),
    },
}
PETS: Final = ("Bess", "Tibbles", "Meg", "Sooty", "Jess", "Patch", "Monty")

STRENGTHS: Final[dict[str, tuple[str, ...]]] = {
    "older": (
        "Determined to get back on my feet",
        "Close family who visit often",
        "Good neighbours who look out for me",
        "I know my own mind",
        "I manage my own money and bills",
        "A good sense of humour",
        "Part of the chapel community",
        "I can use my mobile and my pendant",
        "I still enjoy cooking",
        "I walk the dog every day, even if it's slow",
        "We have always managed together, the two of us",
    ),
    "adult": (
        "I know what works for me",
        "I am good with computers",
        "Supportive friends",
        "I am motivated to get back to work",
        "I can travel on the bus with a bit of planning",
    ),
    "teen": (
        "I am good at sport",
        "My nan is always there for me",
        "I get on well with my teachers",
        "I am brave about my injections",
    ),
    "baby": (
        "Mum is keen to learn and asks for help",
        "Supportive grandparents nearby",
        "The baby is feeding better every week",
        "Dad is very hands-on",
    ),
}


def _fits(s: Subject, phrase: str) -> bool:
    if s.sex != "female" and any(w in phrase for w in WOMEN_ONLY):
        return False
    if phrase == INTERPRETER:
        return s.interpreter
    theme = next((t for start, t in THEME_OF.items() if phrase.startswith(start)), None)
    return theme is None or theme in s.theme_keys


def about_me(rng: random.Random, s: Subject, as_of: date) -> Row:
    fill = {
        "years": str(rng.randrange(12, 60)),
        "pet": rng.choice(PETS),
        "town": s.town.name,
        "carer_phrase": _capital(s.carer_phrase or "my family"),
        "language": s.language,
        "preferred": s.preferred,
    }
    row: Row = {"person_id": s.id}
    for prompt, pools in ABOUT.items():
        pool = tuple(p for p in pools[s.group] if _fits(s, p))
        first: list[str] = []
        if prompt == "how_i_communicate" and s.communication:
            first = [COMMUNICATION[s.communication][2]]
            pool = tuple(p for p in pool if "normally" not in p)
        if prompt == "my_wellness" and s.anticoagulated:
            first = [WARFARIN]
        if not pool and not first:
            pool = (MOSTLY_WELL.get(s.group, "I am mostly well."),)
        picked = first + rng.sample(pool, min(len(pool), rng.choice((1, 2, 2, 3)) - len(first)))
        row[prompt] = " ".join(p.format(**fill) for p in picked)
    if s.group == "baby":
        supporter: str | None = "Written by Mum at the new-birth visit"
    elif s.carer_first and rng.random() < 0.4:
        supporter = f"{s.carer_first} ({'spouse' if s.carer_is_spouse else 'carer'})"
    else:
        supporter = rng.choice((None, None, "Lead professional", "Advocate"))
    row["supported_to_write_by"] = supporter
    row["last_updated"] = as_of - timedelta(days=rng.randrange(0, 400))
    return row


def strengths(rng: random.Random, s: Subject) -> list[str]:
    pool = STRENGTHS[s.group]
    if not s.carer_is_spouse:
        pool = tuple(p for p in pool if "two of us" not in p)
    return rng.sample(pool, min(len(pool), rng.randrange(2, 5)))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
