"""The priority list: who may most benefit from integrated care first (issue 20)."""
