"""Domain events: the one hook every state change goes through (audit trail, xAPI statements)."""
