"""The person's record: its page, sections, timeline, editors, break-glass and printing."""
