"""A person's record: reading it once (the snapshot) and its projections for the
screen and the CLI, the timeline, people and their details, drafts, and sync
conflicts to settle."""
