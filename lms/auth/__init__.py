"""Accounts, roles, sign-in and the one permission helper every route uses."""
