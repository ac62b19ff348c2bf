"""The shared kit every screen builds on: forms, widgets, the task runner,
operations, paged models, formatting."""
