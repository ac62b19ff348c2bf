"""The `onerecord` command's subcommands (ui/launcher.py parses and dispatches)."""
