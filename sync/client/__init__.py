"""The laptop's side of sync: enrolment, signed transport, push, pull, apply, purge."""
