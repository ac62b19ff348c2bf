"""Small numbers: no published figure, in any format, gives away a count from 1 to 4,
by itself or worked out from the others (by subtraction from a shown total, from a
percentage, a rate or the bounds "<5" and "*" imply).

The checker here is independent of `small_numbers`: a brute-force search over every
value a reader could assign to the hidden cells, read back from the CSV.
"""

from __future__ import annotations

import csv
import io
import subprocess
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.reports.outcomes.draft import Count, Draft, OutcomeReport, Percent, Rate, Statistic, Total
from app.reports.outcomes.facts import (
    EpisodeFact,
    ExperienceFact,
    GoalReviewFact,
    HospitalFact,
    OutcomeFacts,
    PersonFact,
    PlanReviewFact,
    ReferralFact,
)
from app.reports.outcomes.measures import draft
from app.reports.outcomes.outcome_charts import report_charts
from app.reports.outcomes.published import to_csv, to_pdf, to_text
from app.reports.outcomes.small_numbers import publish
from app.values import vocab

START, END, AS_OF = date(2026, 4, 1), date(2026, 6, 30), date(2026, 9, 30)
MARKS = {"<5", "*", "–", ""}


def report_of(d: Draft) -> OutcomeReport:
    return publish(d, scope="Dales", start=START, end=END, as_of=AS_OF)


# -- an independent checker ---------------------------------------------------------------


def published_counts(d: Draft, csv_text: str) -> dict[str, str]:
    """Each count's figure as the CSV prints it (the count found by its section, line
    and column in the draft)."""
    cells = {(r[0], r[1], r[2]): r[3] for r in csv.reader(io.StringIO(csv_text))}
    found: dict[str, str] = {}
    for s in d.sections:
        for line in s.lines:
            for column, cell in zip(s.columns, line.cells, strict=True):
                if isinstance(cell, Count):
                    found[cell.key] = cells[(s.title, line.label, column)]
    return found


def _domain(text: str, cap: int) -> range:
    if text == "<5":
        return range(1, 5)
    if text == "*":  # any number, zero included
        return range(0, cap + 1)
    return range(int(text.replace(",", "")), int(text.replace(",", "")) + 1)


def _solutions(domains: Mapping[str, range], totals: list[Total], fixed: dict[str, int]) -> bool:
    """Whether some assignment of the cells within `domains` satisfies every total: a
    total with one cell left decides it; otherwise try each value of the cell with
    the fewest."""
    fixed = dict(fixed)
    changed = True
    while changed:
        changed = False
        for t in totals:
            free = [c for c in (t.total, *t.parts) if c not in fixed]
            if not free:
                if fixed[t.total] != sum(fixed[p] for p in t.parts):
                    return False
            elif len(free) == 1:
                cell = free[0]
                rest = sum(fixed[p] for p in t.parts if p != cell)
                value = rest if cell == t.total else fixed[t.total] - rest
                if value not in domains[cell]:
                    return False
                fixed[cell], changed = value, True
    free = [k for k in domains if k not in fixed]
    if not free:
        return True
    key = min(free, key=lambda k: len(domains[k]))
    return any(_solutions(domains, totals, {**fixed, key: v}) for v in domains[key])


def assert_nothing_small_can_be_worked_out(d: Draft, shown: dict[str, str]) -> None:
    for key, n in d.counts.items():
        if 1 <= n <= 4:
            assert shown[key] in ("<5", "*"), key
    for t in d.totals:  # the hidden parts of a shown total never add up to 1-4
        if shown[t.total] not in MARKS:
            hidden = sum(d.counts[p] for p in t.parts if shown[p] in MARKS)
            assert not 1 <= hidden <= 4, t
    # Every "<5" could be at least two values, given everything published.
    for key, text in shown.items():
        if text != "<5":
            continue
        group = _component(key, d.totals)
        totals = [t for t in d.totals if t.total in group]
        cap = max(d.counts[k] for k in group) + 5  # beyond every true value in the group
        domains = {k: _domain(shown[k], cap) for k in group}
        fixed = {k: domains[k][0] for k in group if len(domains[k]) == 1}
        possible = [v for v in range(1, 5) if _solutions(domains, totals, {**fixed, key: v})]
        assert len(possible) >= 2, (key, possible)


def _component(key: str, totals: tuple[Total, ...]) -> set[str]:
    group, grown = {key}, True
    while grown:
        grown = False
        for t in totals:
            cells = {t.total, *t.parts}
            if cells & group and not cells <= group:
                group |= cells
                grown = True
    return group


def assert_derived_figures_are_safe(d: Draft, report: OutcomeReport, shown: dict[str, str]) -> None:
    for s, ps in zip(d.sections, report.sections, strict=True):
        for line, pline in zip(s.lines, ps.lines, strict=True):
            for cell, figure in zip(line.cells, pline.figures, strict=True):
                if figure.text in MARKS:
                    continue
                if isinstance(cell, Percent):
                    top, bottom = d.counts[cell.numerator], d.counts[cell.denominator]
                    assert not any(1 <= n <= 4 for n in (top, bottom, bottom - top))
                    assert shown[cell.numerator] not in MARKS
                    assert shown[cell.denominator] not in MARKS
                if isinstance(cell, Rate):
                    assert shown[cell.numerator] not in MARKS
                    assert all(shown[g] not in MARKS for g in cell.guards)
                if isinstance(cell, Statistic):
                    assert cell.people >= 5


def assert_every_format_agrees(report: OutcomeReport, shown_csv: str) -> None:
    text = to_text(report)
    rows = list(csv.reader(io.StringIO(shown_csv)))
    printed = {(r[0], r[1], r[2]): r[3] for r in rows}
    for s in report.sections:
        for line in s.lines:
            for column, figure in zip(s.columns, line.figures, strict=True):
                if figure.text:
                    assert printed[(s.title, line.label, column)] == figure.text
            if len(line.label) <= 46:  # the label and its figures on one line of text
                block = text.split(s.title + "\n", 1)[1].splitlines()
                row = next(t for t in block if t.startswith(line.label + " "))
                assert row[46:].split() == [f.text for f in line.figures if f.text]
    for chart in report_charts(report):
        section = report.section(chart.key)
        column, wanted = section.chart  # type: ignore[misc]
        for n, value, label_text in zip(wanted, chart.values, chart.texts, strict=True):
            figure = section.lines[n].figures[column]
            assert (value, label_text) == (figure.value, figure.text)
            assert (value is None) == (figure.text in MARKS)


def check(d: Draft) -> OutcomeReport:
    report = report_of(d)
    printed = to_csv(report)
    shown = published_counts(d, printed)
    assert_nothing_small_can_be_worked_out(d, shown)
    assert_derived_figures_are_safe(d, report, shown)
    assert_every_format_agrees(report, printed)
    return report


# -- planted facts ------------------------------------------------------------------------

days = st.integers(min_value=-30, max_value=120).map(lambda n: START + timedelta(days=n))
ids = st.integers(min_value=0, max_value=11).map(lambda n: f"p{n}")


@st.composite
def planted(draw: st.DrawFn) -> OutcomeFacts:
    people = tuple(
        PersonFact(
            f"p{n}",
            "t",
            None,
            draw(st.sampled_from([date(1940, 5, 5), date(1975, 5, 5)])),
            draw(days),
            draw(st.none() | days),
            draw(st.none() | st.sampled_from(list(vocab.ClosedReason))),
        )
        for n in range(12)
    )
    urgency = st.sampled_from(list(vocab.ReferralUrgency))
    contact = st.none() | days.map(lambda d: datetime(d.year, d.month, d.day, 11, tzinfo=UTC))
    referral = st.builds(ReferralFact, ids, days, urgency, st.just("gp"), contact)

    @st.composite
    def episode(draw: st.DrawFn) -> EpisodeFact:
        started = draw(days)
        ended = draw(st.none() | st.just(started + timedelta(days=draw(st.integers(0, 42)))))
        outcome = draw(st.sampled_from(list(vocab.ReablementOutcome))) if ended else None
        left = draw(st.none() | st.just(started))
        result = draw(st.none() | st.sampled_from(list(vocab.FollowUpResult))) if ended else None
        check_on = (left or started) + timedelta(days=91) if result else None
        return EpisodeFact(
            draw(ids), started, started + timedelta(days=42), left, ended, outcome, check_on, result
        )

    review = st.builds(
        GoalReviewFact,
        ids,
        st.integers(0, 15).map(lambda n: f"g{n}"),
        days,
        st.sampled_from(list(vocab.GoalResult)),
        st.none() | st.integers(-2, 2),
        st.none() | st.sampled_from([-2, -1]),
    )
    kinds = st.sampled_from(list(vocab.HospitalEventKind))
    hospital = st.builds(HospitalFact, ids, kinds, days.map(lambda d: d - timedelta(days=200)))
    plan = st.builds(PlanReviewFact, ids, days, st.none() | days)
    answer = st.builds(
        ExperienceFact,
        ids,
        days,
        st.sampled_from(list(vocab.ExperienceStatement)[:2]),
        st.sampled_from(list(vocab.ExperienceAnswer)),
    )
    few = {"max_size": 30}
    return OutcomeFacts(
        AS_OF,
        people,
        tuple(draw(st.lists(referral, **few))),  # type: ignore[arg-type]
        tuple(draw(st.lists(episode(), **few))),  # type: ignore[arg-type]
        tuple(draw(st.lists(review, **few))),  # type: ignore[arg-type]
        tuple(draw(st.lists(hospital, **few))),  # type: ignore[arg-type]
        tuple(draw(st.lists(plan, **few))),  # type: ignore[arg-type]
        tuple(draw(st.lists(answer, **few))),  # type: ignore[arg-type]
    )


@settings(
    max_examples=100, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(planted())
def test_no_figure_in_any_format_gives_a_small_number_away(facts: OutcomeFacts) -> None:
    check(draft(facts, START, END))


# -- hand-made cases ----------------------------------------------------------------------


def one_table(counts: dict[str, int], total: str) -> Draft:
    from app.reports.outcomes.draft import DraftLine, DraftSection

    parts = tuple(k for k in counts if k != total)
    lines = tuple(DraftLine(k, (Count(k),)) for k in (*parts, total))
    section = DraftSection("t", "Table", ("Number",), lines, (), (0, tuple(range(len(parts)))))
    return Draft(dict(counts), (Total(total, parts),), (section,))


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # One small part: the next smallest is hidden too, the total stays.
        ({"a": 3, "b": 10, "c": 20, "all": 33}, ["<5", "*", "20", "33"]),
        # Two small parts summing to 2: a third is hidden so 2 cannot be worked out.
        ({"a": 1, "b": 1, "c": 20, "all": 22}, ["<5", "<5", "*", "22"]),
        # Zero is shown and never hidden in place of a small number.
        ({"a": 0, "b": 4, "c": 9, "all": 13}, ["0", "<5", "*", "13"]),
        # Four parts of "<5" under a total of "<5": each would be 1, so the total is "*".
        ({"a": 1, "b": 1, "c": 1, "d": 1, "all": 4}, ["<5", "<5", "<5", "<5", "*"]),
        # Nothing small: everything shown.
        ({"a": 5, "b": 0, "c": 9, "all": 14}, ["5", "0", "9", "14"]),
    ],
)
def test_hand_made_tables(counts: dict[str, int], expected: list[str]) -> None:
    report = check(one_table(counts, "all"))
    assert [li.figures[0].text for li in report.sections[0].lines] == expected


def test_a_small_total_hides_its_parts_too() -> None:
    report = check(one_table({"a": 2, "b": 1, "all": 3}, "all"))
    assert [li.figures[0].text for li in report.sections[0].lines] == ["<5", "<5", "<5"]


def test_the_pdf_prints_the_same_figures(tmp_path: Path) -> None:
    d = one_table({"a": 3, "b": 10, "c": 20, "all": 33}, "all")
    report = check(d)
    out = tmp_path / "outcomes.pdf"
    to_pdf(report, out)
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    rows = {line.split()[0]: line.split()[1:] for line in text.splitlines() if line.strip()}
    assert rows["a"] == ["<5"] and rows["b"] == ["*"] and rows["c"] == ["20"]
    assert rows["all"] == ["33"]
    assert "3" not in rows["a"] and "10" not in text.split()


@settings(
    max_examples=6, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(planted())
def test_the_pdf_of_random_facts_shows_only_published_figures(facts: OutcomeFacts) -> None:
    report = check(draft(facts, START, END))
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "outcomes.pdf"
        to_pdf(report, out)
        text = subprocess.run(
            ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout
    for s in report.sections:
        block = text.split(s.title[:30], 1)[1].splitlines()  # this section onwards
        for line in s.lines:
            if len(line.label) > 40:
                continue  # wrapped in the PDF's table
            row = next(t for t in block if t.strip().startswith(line.label))
            figures = row.strip()[len(line.label) :].split()
            assert figures == [f.text for f in line.figures if f.text], line.label


def test_a_percentage_whose_difference_is_small_is_not_shown() -> None:
    from app.reports.outcomes.draft import DraftLine, DraftSection

    # 10 of 12: neither count is small, but 12 - 10 = 2 would be given away.
    line = DraftLine("Share", (Count("a"), Count("b"), Percent("a", "b")))
    section = DraftSection("t", "Table", ("A", "B", "Share"), (line,))
    report = report_of(Draft({"a": 10, "b": 12}, (), (section,)))
    assert [f.text for f in report.sections[0].lines[0].figures] == ["10", "12", "*"]
    report = report_of(Draft({"a": 10, "b": 15}, (), (section,)))
    assert [f.text for f in report.sections[0].lines[0].figures] == ["10", "15", "67%"]
