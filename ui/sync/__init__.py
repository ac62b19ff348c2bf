"""Syncing: its controller, the Sync problems dialog and conflicts."""
