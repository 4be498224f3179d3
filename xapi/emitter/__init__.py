"""Statements the platform emits about its own events, and the outbox that forwards them."""
