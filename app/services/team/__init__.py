"""The coordinator's team view: its scope, its query, counts and the whole
team's caseload."""
