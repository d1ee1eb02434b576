"""Organisations, people, roles and scopes; who may see and do what."""
