"""The coordinator's Team view: caseload, allocation, import and the access report."""
