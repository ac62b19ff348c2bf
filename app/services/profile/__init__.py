"""This laptop's profile: set-up, the demo profile, passphrase strength,
preferences, backup and integrity checks, and sync status."""
