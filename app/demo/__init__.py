"""The synthetic demo caseload: made-up people, plans and years of notes for a rural
locality team. Everything is fictional; NHS numbers come from the 999 test range."""

from app.demo.generator import DemoSummary, build_demo_caseload

__all__ = ["DemoSummary", "build_demo_caseload"]
