"""Need-to-know: who may open a record, break-glass, and the access report for
the IG lead."""
