"""The synthetic demo caseload: made-up people, plans and years of notes for a rural
locality team. Everything is fictional; NHS numbers come from the 999 test range.

The builder is app.demo.generator. This package imports nothing itself, so the
command line can offer the demo's roles (app.demo.roles) without loading the
database layer."""
