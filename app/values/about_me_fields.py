"""The fields of About me (PRSB "About me" sections as the record holds them), in the
order the record, the form and the command line show them. Here, not beside the
record's service, so the command line can name them without loading the database."""

from __future__ import annotations

from typing import Final

ABOUT_ME_FIELDS: Final[tuple[str, ...]] = (
    "most_important",
    "important_people",
    "how_i_communicate",
    "my_wellness",
    "please_do_and_dont",
    "how_and_when_to_support_me",
    "also_worth_knowing",
    "supported_to_write_by",
)
