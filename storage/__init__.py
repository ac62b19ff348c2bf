"""The encrypted store: SQLCipher engine, key vault, tables, migrations, change journal.

Never imports PySide6, app services or sync.
"""
