"""Exporting one person's record: read the snapshot, build and validate the
Bundle, and write the file and its audit event together.

Validated as a whole with `fhir.resources` R4B models (structure, types,
required elements: it does not check codes, invariants or UK Core profiles).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from app.reports.fhir.bundle import build_bundle
from app.services.output_file import check_output_path, write_output
from app.services.record.people import find
from app.services.record.record_snapshot import load_snapshot
from app.workspace import Workspace
from storage.audit_log import append as audit


@dataclass(frozen=True)
class FhirExport:
    json: str
    person_id: str
    counts: dict[str, int]

    @property
    def resources(self) -> int:
        return sum(self.counts.values())


def validate(bundle: dict[str, Any]) -> str:
    """Check the Bundle against the R4B models and return it as FHIR JSON."""
    from fhir.resources.R4B.bundle import Bundle

    model = Bundle.model_validate(bundle)
    text: str = model.model_dump_json(by_alias=True, exclude_none=True)
    return text


def export_fhir(
    workspace: Workspace, nhs_number: str, *, now: datetime | None = None
) -> FhirExport:
    """One person's record as a validated FHIR JSON transaction Bundle (no audit yet:
    the caller records "record_exported" with where it went)."""
    with workspace.store.read() as session:
        # Need-to-know first: outside a legitimate relationship only a break-glass
        # grant in force lets a record leave the store.
        person_id = find(session, nhs_number).id
        snap = load_snapshot(session, workspace.actor, person_id, notes=None)
        bundle, pid, counts = build_bundle(snap, actor=workspace.actor, now=now)
    return FhirExport(json=validate(bundle), person_id=pid, counts=counts)


def record_exported(workspace: Workspace, export: FhirExport, *, to: str) -> None:
    with workspace.store.write(workspace.actor) as session:
        audit(
            session,
            "record_exported",
            person_id=export.person_id,
            detail={"format": "fhir-r4", "to": to, "resources": export.counts},
        )


def save_export(workspace: Workspace, export: FhirExport, text: str, path: Path) -> None:
    """Write the export atomically where the user chose; the audit event and the file
    stand or fall together (as for a printed plan)."""
    path = check_output_path(path)
    existed = path.exists()
    written = False
    try:
        with workspace.store.write(workspace.actor) as session:
            audit(
                session,
                "record_exported",
                person_id=export.person_id,
                detail={"format": "fhir-r4", "to": "file", "resources": export.counts},
            )
            write_output(path, text.encode("utf-8"))
            written = True
    except BaseException:
        if written and not existed:
            path.unlink(missing_ok=True)
        raise


def pretty(text: str) -> str:
    """Stable, readable JSON with non-ASCII names kept as they are (Zoë, not Zo\\u00eb)."""
    return json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
