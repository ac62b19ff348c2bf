"""How strong a new passphrase must be, and why one is refused, in plain words.

A stolen laptop's key file can be attacked offline at the speed of Argon2id (about
0.5-1 s a guess a core, docs/security.md): a passphrase found in a list of common
ones, a keyboard walk or a word with digits on the end ("password12" fell in 13
guesses) is no protection. zxcvbn estimates how many guesses a passphrase needs
against exactly those patterns (common passwords, dictionary words and names, l33t,
keyboard walks, sequences, repeats, dates) and says why in plain words; we refuse
anything below its top score, 4 ("very unguessable: strong protection from an
offline slow-hash attack", 10^10 guesses or more): at a thousand guesses a second,
over three months for the weakest passphrase accepted. Three or four unrelated
words pass easily (the demo's `demo-only-not-secret` needs about 10^15).

Used wherever a passphrase is chosen: the first-run window, `onerecord init`,
`onerecord passwd` and the demo (app.workspace, app.services.profile.profile_setup,
app.services.profile.demo_profile).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from app.errors import InvalidInputError

logger = logging.getLogger(__name__)

MIN_LENGTH = 10
MIN_SCORE = 4
# zxcvbn refuses longer input, and its cost grows with length; a passphrase whose
# first 72 characters are strong is strong.
_ESTIMATED = 72
# Words anyone would try first against this app's own key files.
APP_WORDS = ("onerecord", "one record")
TOO_SHORT = "Use a passphrase of at least 10 characters (three or four unrelated words work well)."
TOO_GUESSABLE = "That passphrase is too easy to guess."
ADVICE = "Three or four unrelated words work well."


class WeakPassphraseError(InvalidInputError):
    """A new passphrase refused as too weak: said in one line, like a usage error."""

    exit_code = 2


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else f"{text}."


def weakness(passphrase: str, user_inputs: Iterable[str] = ()) -> str | None:
    """One plain line saying why this passphrase is too weak, or None if it will do.
    `user_inputs`: words this person's passphrase should not lean on (their name,
    organisation), counted as the first words an attacker would try."""
    if len(passphrase) < MIN_LENGTH:
        return TOO_SHORT
    # Imported here: its word lists cost every command 20 ms at start, and only
    # choosing a passphrase needs them.
    from zxcvbn import zxcvbn

    known = [*APP_WORDS, *(word for text in user_inputs for word in text.split() if word)]
    estimate = zxcvbn(passphrase[:_ESTIMATED], user_inputs=known)
    if estimate["score"] >= MIN_SCORE:
        return None
    # Never the passphrase, not even its length: only how weak it was.
    logger.info("a new passphrase was refused (strength %d of 4)", estimate["score"])
    feedback = estimate["feedback"]
    said = [TOO_GUESSABLE]
    if feedback.get("warning"):
        said.append(_sentence(feedback["warning"]))
    said += [_sentence(s) for s in feedback.get("suggestions", ())]
    if ADVICE not in said:
        said.append(ADVICE)
    return " ".join(said)


def require_strong(passphrase: str, user_inputs: Iterable[str] = ()) -> None:
    """WeakPassphraseError (one plain line) unless the passphrase is strong enough."""
    if reason := weakness(passphrase, user_inputs):
        raise WeakPassphraseError(reason)
