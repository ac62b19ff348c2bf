"""What leaves the encrypted store on purpose: the printed care and support plan for
the folder in the person's home, and the FHIR R4 export for partner systems.

Both are built in memory and written only where the user asks, atomically; both
are audit events; neither ever carries restricted detail (key safe codes,
safeguarding detail).
"""
