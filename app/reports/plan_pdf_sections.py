"""The printed plan's sections, in the order a family reads them: who I am and
whether the plan is agreed, what is important, who to contact, what to do if
things change, about me, my goals, who does what, risks, carers, professionals,
sharing decisions, and the boxes to sign."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table

from app.reports.plan_carers import add_carer_contingencies
from app.reports.plan_model import ActionItem, GoalItem, long_date
from app.reports.plan_pdf_blocks import PlanBlocks
from app.reports.plan_support import draw_support
from app.reports.print_style import (
    BLUE,
    GREY_LINE,
    INK,
    PALE_BLUE,
    bold,
    contact_line,
    join,
    markup,
    table_style,
)
from app.services import clock
from app.values import overdue


class PlanStory(PlanBlocks):
    """The flowables of one plan, section by section."""

    @property
    def today(self) -> date:
        """The day it is printed, on England's calendar: what is overdue counts from it."""
        return clock.local(self.c.printed_at).date()

    def late(self, due: date, *, first: bool = False) -> str:
        """A date already gone, said in words in place of the date (never read by the
        family as a promise still ahead): "overdue since 3 November 2026"."""
        return f"<b>{'Overdue' if first else 'overdue'} since {markup(long_date(due))}</b>"

    def build(self) -> list[Flowable]:
        self.title_block()
        self.important()
        self.who_to_contact()
        self.contingency()
        self.about_me()
        self.findings()
        self.goals()
        self.actions()
        self.risks()
        draw_support(self)
        self.carers()
        self.professionals()
        self.sharing()
        self.signatures()
        return self.story

    def title_block(self) -> None:
        c, person = self.c, self.c.person
        self.story.append(self.p("My care and support plan", self.st.title))
        name = markup(person.full_name)
        if person.preferred_name:
            name += f" (please call me {markup(person.preferred_name)})"
        rows = [("Name", name)]
        if person.nhs_number:
            rows.append(("NHS number", markup(person.nhs_number)))
        rows.append(("Date of birth", markup(long_date(person.date_of_birth))))
        if person.address:
            rows.append(("Address", markup(", ".join(person.address))))
        if person.phone:
            rows.append(("Phone", markup(person.phone)))
        if person.gp:
            rows.append(("My GP", markup(join(person.gp.name, person.gp.organisation))))
        language = person.language
        if person.interpreter_needed:
            language += ": I need an interpreter"
        if person.language.lower() != "english" or person.interpreter_needed:
            rows.append(("My language", markup(language)))
        if person.communication_needs:
            rows.append(("Communication", markup(person.communication_needs)))
        self.story.append(self.record(rows))
        self.story.append(Spacer(1, self.st.sizes.body * 0.6))
        self.story.append(self.p(self.plan_status_text()))
        if c.plan.funding_source:
            self.story.append(self.p(f"How my care is paid for: {markup(c.plan.funding_source)}."))
        self.reablement()

    def reablement(self) -> None:
        """The episode under way, on page one: until when, and the goals it works on."""
        r = self.c.reablement
        if r is None:
            return
        items = [
            f"Started on {long_date(r.started_on)}: a few weeks of help to do things for "
            "myself again",
            *(f"Working on: {goal}" for goal in r.goals),
        ]
        self.story.append(Spacer(1, self.st.sizes.body * 0.4))
        title = f"Reablement until {long_date(r.planned_end_on)}"
        self.story.append(KeepTogether(self.bulleted_box(title, items)))

    def plan_status_text(self) -> str:
        plan = self.c.plan
        who = None
        if plan.agreed_with_name:
            who = plan.agreed_with_name
            if plan.agreed_with_role and plan.agreed_with_role != "the person":
                who += f" ({plan.agreed_with_role})"
        when_who = join(
            f"on {long_date(plan.agreed_on)}" if plan.agreed_on else None,
            f"with {who}" if who else None,
            sep=" ",
        )
        if plan.version == 0:
            text = (
                "<b>This plan is a draft.</b> It has not been agreed yet: please read it and "
                "tell us what you would change."
            )
        elif plan.draft:
            text = (
                f"<b>This plan is a draft.</b> It has changed since version {plan.version} was "
                f"agreed{' ' + markup(when_who) if when_who else ''}, and the changes have not "
                "been agreed yet."
            )
        else:
            text = f"This is version {plan.version} of my plan"
            text += f", agreed {markup(when_who)}." if when_who else "."
        if plan.review_due:
            due = markup(long_date(plan.review_due))
            lead = (
                f" (review led by {contact_line(plan.review_owner)})" if plan.review_owner else ""
            )
            if overdue.plan_review_overdue(plan.review_due, self.today):
                # A date already gone read as a promise would mislead the family: say it is late.
                text += f" <b>Our review together was due by {due} and is overdue</b>{lead}."
            else:
                text += f" We will review it together by {due}{lead}."
        return text

    def important(self) -> None:
        if not self.c.important:
            return
        self.story.append(Spacer(1, self.st.sizes.body * 0.4))
        self.story.append(KeepTogether(self.bulleted_box("Important to know", self.c.important)))

    def who_to_contact(self) -> None:
        c = self.c
        self.heading("Who to contact")
        if c.lead is not None:
            lead = c.lead
            rows = [("Name", bold(lead.name))]
            if lead.role:
                rows.append(("Role", markup(lead.role)))
            if lead.organisation or lead.team:
                rows.append(("Organisation", markup(join(lead.team, lead.organisation))))
            if lead.phone:
                rows.append(("Phone", bold(lead.phone)))
            self.story.append(
                KeepTogether(
                    [
                        self.p("My lead professional", self.st.subheading),
                        self.p(
                            "The person who coordinates my care and support and who I can "
                            "ask about this plan."
                        ),
                        self.record(rows, shade=True),
                        Spacer(1, self.st.sizes.body * 0.6),
                    ]
                )
            )
        else:
            self.story.append(
                self.p(
                    "<b>No lead professional has been named yet.</b> "
                    "Ring my care team on the number below."
                )
            )
        self.subheading("Phone numbers")
        numbers = [
            [bold(n.purpose), markup(n.who), bold(n.phone), markup(n.when)] for n in c.numbers
        ]
        self.story.extend(
            self.grid(["For", "Who", "Phone", "When"], numbers, [0.20, 0.34, 0.22, 0.24])
        )

    def contingency(self) -> None:
        self.heading("If things go wrong: my contingency plan")
        if not self.c.contingency and not self.c.carer_contingency:
            self.none_recorded(
                "No contingency plan has been written yet. If you are worried, ring my lead "
                "professional, or the out-of-hours numbers above."
            )
        for item in self.c.contingency:
            rows = [
                ("If this happens", markup(item.trigger)),
                ("Do this", markup(item.what_should_happen)),
                ("Call", bold(item.who_to_contact) if item.who_to_contact else ""),
            ]
            if item.early_warning_signs:
                rows.append(("Early warning signs", markup(item.early_warning_signs)))
            if item.equipment:
                rows.append(("In the house", markup(item.equipment)))
            if item.review_on and overdue.past(item.review_on, self.today):
                rows.append(("Review", f"Review {self.late(item.review_on)}"))  # a review date
            elif item.review_on:
                rows.append(("Review by", markup(long_date(item.review_on))))
            self.story.append(CondPageBreak(self.st.sizes.body * 10))
            self.story.append(
                self.record([r for r in rows if r[1]], title=markup(item.name), bar=BLUE)
            )
            self.story.append(Spacer(1, self.st.sizes.body * 0.7))
        add_carer_contingencies(self, self.c.carer_contingency)

    def about_me(self) -> None:
        about = self.c.about_me
        self.heading("About me and what matters to me")
        if not about.prompts and not about.strengths:
            self.none_recorded("Nothing has been written here yet.")
            return
        for heading, text in about.prompts:
            self.story.append(
                KeepTogether([self.p(markup(heading), self.st.subheading), self.p(markup(text))])
            )
        if about.strengths:
            self.subheading("What I am good at and what helps me")
            self.story.extend(
                Paragraph(markup(s), self.st.bullet, bulletText="•") for s in about.strengths
            )
        footnote = join(
            f"Written with the support of {about.supported_by}." if about.supported_by else None,
            f"Last updated {long_date(about.last_updated)}." if about.last_updated else None,
            sep=" ",
        )
        if footnote:
            self.story.append(self.p(markup(footnote)))

    def goals(self) -> None:
        self.heading("My goals and how I am doing")
        if not self.c.goals:
            self.none_recorded("No goals have been written yet.")
            return
        if self.large:
            for n, goal in enumerate(self.c.goals, start=1):
                pairs = [
                    ("How I am doing", bold(goal.status)),
                    ("What has happened", markup(goal.outcome or "")),
                    ("How important to me", markup(f"{goal.importance} out of 10")),
                    ("Aiming for", self.target(goal)),
                    ("Why this matters", markup(goal.need or "")),
                ]
                card = self.record(
                    [p for p in pairs if p[1]], shade=True, title=f"{n}. {markup(goal.statement)}"
                )
                self.story.append(KeepTogether([card, Spacer(1, 6)]))
            return
        rows = []
        for n, goal in enumerate(self.c.goals, start=1):
            statement = f"<b>{n}. {markup(goal.statement)}</b>"
            if goal.need:
                statement += f"<br/>Why: {markup(goal.need)}"
            doing = bold(goal.status)
            if goal.outcome:
                doing += f"<br/>{markup(goal.outcome)}"
            rows.append(
                [
                    statement,
                    doing,
                    markup(f"{goal.importance} out of 10"),
                    self.target(goal),
                ]
            )
        self.story.extend(
            self.grid(
                ["My goal", "How I am doing", "How important to me", "Aiming for"],
                rows,
                [0.46, 0.22, 0.14, 0.18],
            )
        )

    def target(self, goal: GoalItem) -> str:
        if goal.target_date is None:
            return ""
        if overdue.goal_overdue(goal.status_code, goal.target_date, self.today):
            return self.late(goal.target_date, first=True)
        return markup(long_date(goal.target_date))

    def actions(self) -> None:
        self.heading("Who does what and when")
        goals = [g for g in self.c.goals if g.actions]
        if not goals and not self.c.agreed_at_meetings:
            self.none_recorded("No actions have been agreed yet.")
            return
        for n, goal in enumerate(self.c.goals, start=1):
            if goal.actions:
                self.action_grid(f"For goal {n}: {markup(goal.statement)}", goal.actions)
        if self.c.agreed_at_meetings:
            self.action_grid("Agreed at our team meeting", self.c.agreed_at_meetings)

    def action_grid(self, title: str, actions: tuple[ActionItem, ...]) -> None:
        rows = []
        for a in actions:
            who = contact_line(a.who)
            if a.who.phone:
                who += f"<br/><b>{markup(a.who.phone)}</b>"
            due = markup(f"by {long_date(a.due_on)}") if a.due_on else None
            if a.due_on and overdue.action_overdue(a.status_code, a.due_on, self.today):
                due = self.late(a.due_on, first=not a.when)
            when = join(markup(a.when) if a.when else None, due, sep="; ")
            what = bold(a.what)
            if a.strategies:
                what += f"<br/>Tip: {markup(a.strategies)}"
            rows.append([what, who, when, markup(a.status)])
        self.subheading(title)
        self.story.extend(
            self.grid(["What", "Who", "When", "Progress"], rows, [0.35, 0.31, 0.20, 0.14])
        )

    def risks(self) -> None:
        self.heading("My risks and how we manage them together")
        if not self.c.risks:
            self.none_recorded("No risks have been identified.")
            return
        for risk in self.c.risks:
            rows = [
                ("What could happen", markup(risk.description)),
                ("What we do about it", markup(risk.mitigation)),
            ]
            due = f"review by {markup(long_date(risk.review_on))}" if risk.review_on else None
            # Only active risks are printed: a past review date is overdue (the one rule).
            if risk.review_on and overdue.risk_review_overdue("active", risk.review_on, self.today):
                due = f"review {self.late(risk.review_on)}"
            review = join(contact_line(risk.owner) if risk.owner else None, due, sep="; ")
            if review:
                rows.append(("Who keeps it under review", review))
            self.story.append(
                KeepTogether(
                    [
                        self.p(
                            f"{markup(risk.what)}: {markup(risk.level.lower())} risk",
                            self.st.subheading,
                        ),
                        self.record([r for r in rows if r[1]]),
                        Spacer(1, self.st.sizes.body * 0.4),
                    ]
                )
            )

    def findings(self) -> None:
        """What the initial assessment found, only where the person agreed it is
        printed: nothing at all otherwise (not even the heading)."""
        if not self.c.findings:
            return
        self.heading("What we found together")
        for item in self.c.findings:
            rows = [("What we found", markup(item.findings))]
            if item.needs_help_with:
                rows.append(("I need help with", markup("; ".join(item.needs_help_with))))
            signed = long_date(item.assessed_on)
            if item.by:
                signed = f"{item.by}, {signed}"
            rows.append(("Assessed by", markup(signed)))
            flow: list[Flowable] = [
                self.p(markup(item.part), self.st.subheading),
                self.record(rows),
                Spacer(1, self.st.sizes.body * 0.3),
            ]
            self.story.append(KeepTogether(flow))

    def carers(self) -> None:
        self.heading("My carers and the people close to me")
        if not self.c.carers:
            self.none_recorded("No carers or family contacts are recorded.")
            return
        for carer in self.c.carers:
            rows = []
            if carer.relationship:
                rows.append(("Relationship", markup(carer.relationship)))
            if carer.phone:
                rows.append(("Phone", bold(carer.phone)))
            if carer.roles:
                rows.append(("Role", markup(", ".join(carer.roles))))
            if carer.carers_assessment:
                rows.append(("Support for them", markup(carer.carers_assessment)))
            if carer.comments:
                rows.append(("Good to know", markup(carer.comments)))
            flow: list[Flowable] = [self.p(markup(carer.name), self.st.subheading)]
            if rows:
                flow.append(self.record(rows))
            flow.append(Spacer(1, self.st.sizes.body * 0.3))
            self.story.append(KeepTogether(flow))

    def professionals(self) -> None:
        if not self.c.professionals:
            return
        self.heading("Professionals involved in my care")
        rows = [
            [
                bold(p.name),
                markup(p.role or ""),
                markup(join(p.team, p.organisation)),
                bold(p.phone) if p.phone else "",
            ]
            for p in self.c.professionals
        ]
        self.story.extend(
            self.grid(
                ["Name", "Role", "Team or organisation", "Phone"], rows, [0.23, 0.23, 0.33, 0.21]
            )
        )

    def sharing(self) -> None:
        self.heading("What I have agreed to share, and with whom")
        if not self.c.sharing:
            self.none_recorded(
                "I have not yet been asked what information I agree to share. Please ask me."
            )
            return
        self.story.append(
            self.p(
                "The people caring for me share information about me only as I have agreed "
                "here, unless the law says they must (for example, to keep someone safe)."
            )
        )
        rows = []
        for s in self.c.sharing:
            decision = bold(s.decision)
            if s.withdrawn_on:
                decision += markup(f" on {long_date(s.withdrawn_on)}")
            given = markup(f"{s.given_by}, {s.how}, on {long_date(s.decided_on)}")
            if s.review_on and overdue.consent_review_overdue(
                s.decision_code, s.review_on, s.withdrawn_on, self.today
            ):
                given += f". Review {self.late(s.review_on)}"
            elif s.review_on and s.decision_code == "given":
                given += markup(f". Review by {long_date(s.review_on)}")
            rows.append([markup(s.information), markup(s.with_whom), decision, given])
        self.story.extend(
            self.grid(
                ["Information", "Shared with", "My decision", "Decided by, how and when"],
                rows,
                [0.24, 0.28, 0.18, 0.30],
            )
        )

    def signatures(self) -> None:
        s = self.st.sizes
        intro = self.p(
            "We made this plan together. Please sign when you agree with it. If anything "
            "is wrong or out of date, tell my lead professional."
        )
        box_h = s.body * (3.0 if self.large else 2.6)

        def box(title: str, fields: Sequence[str], width: float) -> Table:
            data: list[list[Any]] = [[self.p(markup(title), self.st.label), ""]]
            heights: list[float | None] = [None]
            for f in fields:
                data.append([self.p(markup(f), self.st.cell), ""])
                heights.append(box_h)
            label_w = width * (0.42 if self.large else 0.3)
            table = Table(data, colWidths=[label_w, width - label_w], rowHeights=heights)
            table.setStyle(
                table_style(
                    [
                        ("SPAN", (0, 0), (-1, 0)),
                        ("BACKGROUND", (0, 0), (-1, 0), PALE_BLUE),
                        ("LINEBELOW", (1, 1), (1, -1), 0.6, GREY_LINE),
                        ("BOX", (0, 0), (-1, -1), 1, INK),
                        ("VALIGN", (0, 1), (-1, -1), "BOTTOM"),
                        ("TOPPADDING", (0, 0), (-1, -1), 4),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                    ]
                )
            )
            return table

        person = ("Name", "Signature", "Date")
        professional = ("Name", "Role", "Signature", "Date")
        title_person = "The person, or their representative"
        title_pro = "The professional"
        if self.large:
            boxes: list[Flowable] = [
                box(title_person, person, self.width),
                Spacer(1, s.body),
                box(title_pro, professional, self.width),
            ]
        else:
            half = (self.width - 6 * mm) / 2
            row = Table(
                [[box(title_person, person, half), box(title_pro, professional, half)]],
                colWidths=[half + 3 * mm, half + 3 * mm],
                hAlign="LEFT",
            )
            row.setStyle(
                table_style(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 3 * mm),
                    ]
                )
            )
            boxes = [row]
        self.story.append(CondPageBreak(box_h * 6))
        self.heading("Agreeing this plan")
        self.story.append(KeepTogether([intro, Spacer(1, s.body * 0.4), *boxes]))
