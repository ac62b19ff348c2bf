"""The partner server: its store, HTTP API and administration."""
