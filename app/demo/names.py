"""Name pools: English, Welsh, Scottish, Irish, South Asian and Eastern European,
by generation, with the accents and apostrophes real records must handle."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Final


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split(", "))


# origin -> generation -> sex -> names. "older" for people born before about 1955,
# "adult" for working-age adults and parents, "young" for teenagers and babies.
GIVEN: Final[dict[str, dict[str, dict[str, tuple[str, ...]]]]] = {
    "english": {
        "older": {
            "female": _names(
                "Margaret, Dorothy, Joan, Betty, Doreen, Eileen, Jean, Audrey, Mavis, Edna, "
                "Irene, Sheila, Brenda, Pauline, Barbara, Patricia, Hilda, Marjorie, Elsie, "
                "Renée"
            ),
            "male": _names(
                "Arthur, Albert, Harold, Kenneth, Ronald, Dennis, Frank, Geoffrey, Norman, "
                "Stanley, Walter, Bernard, Derek, Brian, Raymond, Leonard, Cyril, Jim, Eric, "
                "Reginald"
            ),
        },
        "adult": {
            "female": _names(
                "Susan, Karen, Julie, Helen, Claire, Sarah, Emma, Rachel, Joanne, Nicola, Lisa, "
                "Gemma, Chloë, Hayley"
            ),
            "male": _names(
                "Paul, Mark, Andrew, Stephen, Darren, Gary, Neil, Richard, Simon, Lee, Craig, "
                "Matthew, Jonathan, Wayne"
            ),
        },
        "young": {
            "female": _names(
                "Olivia, Amelia, Isla, Ava, Lily, Freya, Ellie, Zoë, Poppy, Evie, Mia, Ruby"
            ),
            "male": _names(
                "Oliver, George, Harry, Noah, Jack, Leo, Alfie, Charlie, Theo, Oscar, Archie, "
                "Freddie"
            ),
        },
    },
    "welsh": {
        "older": {
            "female": _names("Gwyneth, Myfanwy, Glenys, Eirlys, Megan, Olwen, Bethan"),
            "male": _names("Dafydd, Gareth, Emrys, Idris, Huw, Islwyn, Glyn"),
        },
        "adult": {
            "female": _names("Angharad, Rhiannon, Catrin, Siân, Ffion, Carys"),
            "male": _names("Rhodri, Iwan, Geraint, Owain, Llŷr, Aled"),
        },
        "young": {
            "female": _names("Seren, Cerys, Mali, Elin, Gwenllïan"),
            "male": _names("Osian, Macsen, Tomos, Ioan, Gruffydd"),
        },
    },
    "scottish": {
        "older": {
            "female": _names("Agnes, Morag, Isobel, Jessie, Senga, Elspeth, Effie"),
            "male": _names("Hamish, Angus, Alistair, Douglas, Malcolm, Archibald, Iain"),
        },
        "adult": {
            "female": _names("Fiona, Kirsty, Ailsa, Shona, Eilidh, Catriona"),
            "male": _names("Callum, Fraser, Ewan, Struan, Ruaridh, Graeme"),
        },
        "young": {
            "female": _names("Isla, Skye, Mairi, Orla, Iona"),
            "male": _names("Lachlan, Finlay, Rory, Cameron, Kyle"),
        },
    },
    "irish": {
        "older": {
            "female": _names("Bridget, Bríd, Nora, Kathleen, Máire, Peggy, Philomena"),
            "male": _names("Patrick, Seamus, Séamus, Michael, Brendan, Eamon, Declan"),
        },
        "adult": {
            "female": _names("Siobhán, Aoife, Niamh, Róisín, Sinéad, Gráinne, Caoimhe"),
            "male": _names("Seán, Ciarán, Pádraig, Cathal, Eoin, Donal, Colm"),
        },
        "young": {
            "female": _names("Saoirse, Clodagh, Aoibhinn, Éabha, Ciara"),
            "male": _names("Oisín, Darragh, Tadhg, Cian, Fionn"),
        },
    },
    "south_asian": {
        "older": {
            "female": _names(
                "Jaswinder, Parveen, Nasreen, Kamla, Shanti, Rukhsana, Surinder, Zubeida"
            ),
            "male": _names("Mohammed, Gurdev, Abdul, Harbans, Rashid, Ramesh, Iqbal, Balwant"),
        },
        "adult": {
            "female": _names("Priya, Anjali, Sunita, Farida, Shazia, Harpreet, Nadia"),
            "male": _names("Imran, Arjun, Sanjay, Tariq, Gurpreet, Vikram, Asif"),
        },
        "young": {
            "female": _names("Aisha, Zainab, Maryam, Anaya, Simran, Inaya"),
            "male": _names("Yusuf, Ibrahim, Aarav, Rayan, Zayn, Arjan"),
        },
    },
    "eastern_european": {
        "older": {
            "female": _names("Halina, Krystyna, Danuta, Jadwiga, Zofia, Věra, Ludmila"),
            "male": _names("Stanisław, Kazimierz, Tadeusz, Józef, Jiří, Bohdan, Zbigniew"),
        },
        "adult": {
            "female": _names(
                "Małgorzata, Agnieszka, Katarzyna, Kateřina, Ioana, Jolanta, Žaneta, Beata"
            ),
            "male": _names("Łukasz, Wojciech, Tomasz, Tomáš, Mihai, Krzysztof, Ștefan, Marek"),
        },
        "young": {
            "female": _names("Zuzanna, Lena, Natalia, Hanna, Alicja"),
            "male": _names("Jakub, Szymon, Filip, Kacper, Mikołaj"),
        },
    },
}

# Family names; "male/female" where the form changes with sex (Kowalski/Kowalska).
_FAMILY_TEXT: Final[dict[str, str]] = {
    "english": (
        "Smith, Jackson, Atkinson, Thwaite, Metcalfe, Dinsdale, Harker, Alderson, Robinson, "
        "Wilkinson, Outhwaite, Pickersgill, Sedgwick, Hebblethwaite, Hird, Kirkby, Bell, "
        "Hodgson, Coates, Lambert, Wood, Fawcett, Bainbridge, Raw, Calvert, Teasdale, Pratt, "
        "Brown, Holmes, Lund, Pearson, Sunter, Towler, Iveson, Close, Ward, Turner, Walker, "
        "Clarke, Shaw, Allen-Foster"
    ),
    "welsh": (
        "Jones, Davies, Evans, Hughes, Pritchard, Llewellyn, Price, Prosser, Pugh, Vaughan, "
        "Bowen, Rees, ap Rhys"
    ),
    "scottish": (
        "MacLeod, McKenzie, Ferguson, Robertson, Campbell, Munro, Sutherland, MacDonald, "
        "Fraser, Cameron, Grant, McIntyre"
    ),
    "irish": (
        "O'Neill, O'Brien, O'Sullivan, McCarthy, Byrne, Doherty, Ó Briain, Gallagher, Kennedy, "
        "Fitzgerald, D'Arcy, Ó Murchú"
    ),
    "south_asian": (
        "Patel, Khan, Hussain, Ahmed, Singh, Shah, Chaudhry, Mistry, Iqbal, Sandhu, Bains, "
        "Rahman, Gill, Mahmood"
    ),
    "eastern_european": (
        "Kowalski/Kowalska, Nowak, Wiśniewski/Wiśniewska, Wójcik, Kamiński/Kamińska, "
        "Lewandowski/Lewandowska, Zieliński/Zielińska, Dvořák/Dvořáková, Novák/Nováková, "
        "Popescu, Szymański/Szymańska, Horváth"
    ),
}
FAMILY: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    origin: tuple((n.split("/")[0], n.split("/")[-1]) for n in _names(text))
    for origin, text in _FAMILY_TEXT.items()
}

ORIGIN_WEIGHTS: Final[tuple[tuple[str, int], ...]] = (
    ("english", 56),
    ("irish", 10),
    ("scottish", 8),
    ("welsh", 7),
    ("south_asian", 10),
    ("eastern_european", 9),
)
_ORIGINS = tuple(o for o, _ in ORIGIN_WEIGHTS)
_ORIGIN_CUM = tuple(sum(w for _, w in ORIGIN_WEIGHTS[: i + 1]) for i in range(len(ORIGIN_WEIGHTS)))

NICKNAMES: Final[dict[str, str]] = dict(
    pair.split("=")
    for pair in _names(
        "Margaret=Peggy, Dorothy=Dot, Elizabeth=Betty, Patricia=Pat, Barbara=Babs, "
        "Kathleen=Kath, Bridget=Biddy, Albert=Bert, Harold=Harry, Kenneth=Ken, Ronald=Ron, "
        "Geoffrey=Geoff, Stanley=Stan, Walter=Wally, Leonard=Len, Reginald=Reg, Patrick=Paddy, "
        "Michael=Mick, Archibald=Archie, Mohammed=Mo, Stanisław=Stan, Józef=Joe, Isobel=Isa, "
        "Agnes=Nessie, Raymond=Ray, Bernard=Bernie, Jessie=Jess"
    )
)


@dataclass(frozen=True)
class Name:
    given: str
    family: str
    origin: str


def origin(rng: random.Random) -> str:
    return rng.choices(_ORIGINS, cum_weights=_ORIGIN_CUM)[0]


def given(rng: random.Random, origin_: str, generation: str, sex: str) -> str:
    return rng.choice(GIVEN[origin_][generation][sex])


def family(rng: random.Random, origin_: str, sex: str) -> str:
    male, female = rng.choice(FAMILY[origin_])
    return female if sex == "female" else male


_FORMS: Final[dict[str, tuple[str, str]]] = {
    form: pair for pairs in FAMILY.values() for pair in pairs for form in pair
}


def family_for(surname: str, sex: str) -> str:
    """The same family name in the form for `sex` (Kowalski -> Kowalska)."""
    male, female = _FORMS.get(surname, (surname, surname))
    return female if sex == "female" else male


def person_name(rng: random.Random, generation: str, sex: str) -> Name:
    o = origin(rng)
    # Families mix: a fifth of people carry a family name from another tradition.
    fam_origin = origin(rng) if rng.random() < 0.2 else o
    return Name(given(rng, o, generation, sex), family(rng, fam_origin, sex), o)


def preferred(rng: random.Random, given_name: str) -> str:
    nick = NICKNAMES.get(given_name)
    return nick if nick is not None and rng.random() < 0.45 else given_name


def staff_name(rng: random.Random, sex: str) -> str:
    n = person_name(rng, "adult", sex)
    return f"{n.given} {n.family}"
