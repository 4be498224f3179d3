"""Notifications: messages to people (e-mail), kept as an outbox so none is lost."""
