"""Validation of xAPI statements and the value formats they use."""
