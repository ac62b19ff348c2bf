"""How values look on screen: British dates, ages, counts. Pure functions of their inputs."""

from __future__ import annotations

from datetime import date, datetime

from app.services.clock import LOCAL
from app.values import vocab
from app.values.vocab import AlertKind, LevelOfNeed
from ui.i18n import tr

# Fixed English abbreviations, not strftime("%b"), which follows the OS locale.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def british_date(value: date | datetime | None) -> str:
    """`22 Nov 1940`; a datetime is shown as its calendar date in England."""
    if value is None:
        return ""
    value = _local_date(value)
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def british_date_time(value: datetime | None) -> str:
    """`22 Nov 2026 14:05`, on England's wall clock."""
    if value is None:
        return ""
    local = value.astimezone(LOCAL) if value.tzinfo else value
    return f"{british_date(local)} {local:%H:%M}"


def days_from_today(value: datetime, today: date) -> str:
    """`Today`, `Yesterday`, `3 days ago`, `Tomorrow`, `In 6 days`: how far a time is
    from today, in England's calendar days (so a changed date cannot go unnoticed)."""
    local = value.astimezone(LOCAL) if value.tzinfo else value
    days = (today - local.date()).days
    if days == 0:
        return tr("Today")
    if days == 1:
        return tr("Yesterday")
    if days == -1:
        return tr("Tomorrow")
    if days > 1:
        return tr("{n} days ago").format(n=days)
    return tr("In {n} days").format(n=-days)


def overdue_since(value: date | datetime) -> str:
    """`Overdue since 3 Nov 2026`: what the record says, in words, beside the warning colour,
    of a date the rule in `app.values.overdue` finds past."""
    return tr("Overdue since {date}").format(date=british_date(value))


def overdue_on(value: date | datetime, today: date) -> str:
    """`Overdue: 3 Nov`, the short form for a list's narrow date column: the year only when
    the date is so long gone that the day and month alone could mean another year."""
    day = _local_date(value)
    recent = (today - day).days < 300
    shown = f"{day.day} {_MONTHS[day.month - 1]}" if recent else british_date(day)
    return tr("Overdue: {date}").format(date=shown)


def _local_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return value.astimezone(LOCAL).date() if value.tzinfo else value.date()
    return value


def time_of_day(value: datetime | None) -> str:
    """`09:30` on England's wall clock."""
    if value is None:
        return ""
    local = value.astimezone(LOCAL) if value.tzinfo else value
    return f"{local:%H:%M}"


def label(kind: type[vocab.Coded], code: str | None) -> str:
    """The plain label of a code from one of the code lists; unknown codes as they are."""
    if not code:
        return ""
    try:
        return tr(kind(code).label)
    except ValueError:
        return code


def risk_band(score: int | None) -> str:
    """Likelihood x impact (1-25) as a word: High from 15, Medium from 8."""
    if score is None:
        return ""
    if score >= 15:
        return tr("High")
    if score >= 8:
        return tr("Medium")
    return tr("Low")


def risk_text(score: int | None) -> str:
    return f"{risk_band(score)} ({score})" if score is not None else ""


def age_on(date_of_birth: date, today: date) -> int:
    before_birthday = (today.month, today.day) < (date_of_birth.month, date_of_birth.day)
    return today.year - date_of_birth.year - int(before_birthday)


def level_of_need_label(code: str) -> str:
    try:
        return LevelOfNeed(code).label
    except ValueError:
        return code


# One or two words per alert, so several fit a table cell; the tooltip and the
# record itself use the full labels.
_ALERT_SHORT = {
    "lone_worker": "Lone worker",
    "access_to_home": "Access",
    "respect": "ReSPECT",
}


def alert_short_labels(codes: tuple[str, ...]) -> str:
    return ", ".join(tr(_ALERT_SHORT.get(code, "")) or _alert_label(code) for code in codes)


def _alert_label(code: str) -> str:
    try:
        return tr(AlertKind(code).label)
    except ValueError:
        return code


def alert_labels(codes: tuple[str, ...]) -> str:
    return ", ".join(_alert_label(code) for code in codes)


def people_count(total: int, *, searching: bool) -> str:
    """`5,000 people`, `1 person`, `3 people match`, `No one matches`."""
    count = f"{total:,}"
    if searching:
        if total == 0:
            return tr("No one matches")
        text = tr("{count} person matches") if total == 1 else tr("{count} people match")
        return text.format(count=count)
    if total == 0:
        return tr("No one on the caseload yet")
    return (tr("{count} person") if total == 1 else tr("{count} people")).format(count=count)
