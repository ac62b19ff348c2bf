"""The care itself: visit notes, planned visits, the care plan (needs, goals,
actions, contingencies), risks and alerts, and consent to share."""
