"""Tables, CSV and JSON for the terminal; British dates."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, TextIO


def british_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%d %b %Y")


def _json_default(value: Any) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def write_json(data: Any, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    json.dump(data, out, indent=2, ensure_ascii=False, default=_json_default)
    out.write("\n")


def write_csv(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO | None = None
) -> None:
    out = out or sys.stdout
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        # A cell starting with = + - @ would run as a formula in a spreadsheet.
        writer.writerow([_safe_cell(c) for c in row])
    out.write(buffer.getvalue())


def _safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def write_table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO | None = None
) -> None:
    out = out or sys.stdout
    cells = [[str(c) for c in headers], *[["" if c is None else str(c) for c in r] for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")
        if n == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")


class Progress:
    """A one-line progress bar on a terminal; occasional plain lines otherwise."""

    def __init__(self, label: str, out: TextIO | None = None) -> None:
        self.label = label
        self.out = out or sys.stderr
        self.tty = self.out.isatty()
        self._last_pct = -1

    def __call__(self, done: int, total: int) -> None:
        pct = 100 if total == 0 else done * 100 // total
        if pct == self._last_pct:
            return
        if self.tty:
            bar = "#" * (pct // 4)
            self.out.write(f"\r{self.label} [{bar:<25}] {pct:3d}% ({done:,}/{total:,})")
            if done >= total:
                self.out.write("\n")
        elif pct // 10 != self._last_pct // 10 or done >= total:
            self.out.write(f"{self.label}: {pct}% ({done:,}/{total:,})\n")
        self._last_pct = pct
        self.out.flush()
