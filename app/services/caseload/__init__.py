"""The caseload and today's visits: the lists, their filters and saved views,
allocation, and caseload import and export."""
