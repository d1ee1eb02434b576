"""Notifications: the outbox, channels, the on-call rota and escalation."""
