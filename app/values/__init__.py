"""Value types and the local lists the record uses."""
