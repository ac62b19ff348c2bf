"""The multi-disciplinary team meeting: set up, its list, each person's brief, and
what it decided (actions with an owner and a due date in the person's plan, and a
note from the meeting in their record)."""
