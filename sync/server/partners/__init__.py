"""Sharing with partner organisations' servers: agreements, what each may receive
(grants, the duty to share), the feed a partner pulls, pulling from partners, and
what a partner may change here."""
