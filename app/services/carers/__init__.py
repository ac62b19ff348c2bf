"""Carers at the tipping point (issue 20): the carer-strain check done with a carer
(the Modified Caregiver Strain Index, `app.values.carer_strain`), its trend and the
team's prompt when it is high or rising, and the carer's own contingency plan ("if I
cannot care, this happens")."""
