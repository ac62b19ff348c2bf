"""The outcome report: what the team's work achieved, from the shared record."""
