"""`onerecord check`: is the encrypted file sound, and does the data match its
journal and its audit chain?"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text

from app.services.record.record_rules import RuleBreak, validate
from app.workspace import Workspace
from storage.audit_anchor import verify_store
from storage.consistency import Mismatch, check_journal


@dataclass
class CheckReport:
    cipher_problems: list[str] = field(default_factory=list)
    sqlite_problems: list[str] = field(default_factory=list)
    foreign_key_problems: int = 0
    journal_rows_checked: int = 0
    journal_problems: list[Mismatch] = field(default_factory=list)
    audit_events_checked: int = 0
    audit_problems: list[str] = field(default_factory=list)
    rows_validated: int = 0
    rule_breaks: list[RuleBreak] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (
            self.cipher_problems
            or self.sqlite_problems
            or self.foreign_key_problems
            or self.journal_problems
            or self.audit_problems
            or self.rule_breaks
        )

    def lines(self) -> list[str]:
        """A plain report: counts and ids only, never patient data."""

        def verdict(problems: object) -> str:
            return "ok" if not problems else "PROBLEMS"

        out = [
            f"Encryption (page HMACs): {verdict(self.cipher_problems)}",
            f"Database structure: {verdict(self.sqlite_problems)}",
            f"Links between records: {verdict(self.foreign_key_problems)}",
            f"Change journal: {verdict(self.journal_problems)} "
            f"({self.journal_rows_checked:,} records checked)",
            f"Audit chain: {verdict(self.audit_problems)} "
            f"({self.audit_events_checked:,} events checked)",
            f"Record rules: {verdict(self.rule_breaks)} ({self.rows_validated:,} rows checked)",
        ]
        out += [f"  encryption: {p}" for p in self.cipher_problems[:20]]
        out += [f"  structure: {p}" for p in self.sqlite_problems[:20]]
        if self.foreign_key_problems:
            out.append(f"  {self.foreign_key_problems} broken link(s) between records")
        out += [
            f"  journal: {m.entity} {m.entity_id} {m.problem}" for m in self.journal_problems[:20]
        ]
        out += [f"  audit: {p}" for p in self.audit_problems[:20]]
        out += [f"  rules: {b.table} {b.row_id} {b.field} {b.rule}" for b in self.rule_breaks[:20]]
        return out


def check(workspace: Workspace) -> CheckReport:
    report = CheckReport()
    with workspace.store.engine.connect() as conn:
        report.cipher_problems = [
            str(r[0]) for r in conn.exec_driver_sql("PRAGMA cipher_integrity_check")
        ]
        result = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA integrity_check")]
        report.sqlite_problems = [] if result == ["ok"] else result
        report.foreign_key_problems = len(conn.execute(text("PRAGMA foreign_key_check")).all())
    with workspace.store.read() as session:
        report.journal_rows_checked, report.journal_problems = check_journal(session)
        report.rows_validated, report.rule_breaks = validate(session)
    report.audit_events_checked, chain = verify_store(workspace.store)
    report.audit_problems = [
        f"device {p.device_id[:8]} event {p.device_seq} {p.problem}" for p in chain
    ]
    return report
