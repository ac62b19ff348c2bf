"""One person's record as a FHIR R4 transaction Bundle, for partner systems.

`bundle.build_bundle` projects a record snapshot, one module per resource group
(patient, team, referral, assessments, plan, reablement, goal reviews, safety,
consent, encounters, hospital events, experience); `export` reads, validates and
writes it. The Patient is a conditional create on the NHS number, and
organisations with an ODS code on that code, so a receiving server does not
duplicate them.

Left out on purpose: `alert.restricted_detail` (key safe codes, safeguarding
detail), the narrative of notes marked sensitive, and all but the identity of a
hospital event entered in error (sent as `entered-in-error`, so a receiver retracts
an earlier copy; its date, hospital and detail may be another person's). Everything else in the
person's record goes, including a reason for refusing consent (it is part of the
consent decision a partner must respect).
"""

from app.reports.fhir.bundle import build_bundle
from app.reports.fhir.export import FhirExport, export_fhir, pretty, record_exported, save_export
from app.reports.fhir.terms import NHS_NUMBER_SYSTEM

__all__ = [
    "NHS_NUMBER_SYSTEM",
    "FhirExport",
    "build_bundle",
    "export_fhir",
    "pretty",
    "record_exported",
    "save_export",
]
