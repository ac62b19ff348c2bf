"""The first-run window: a new profile, or enrolling with a team server."""
