"""The laptop's use cases: every read and write of the record goes through here."""
