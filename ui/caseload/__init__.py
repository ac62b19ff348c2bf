"""The practitioner's caseload and today's visits."""
