"""Shared foundations: base models, the audit log, encryption, masking, Chinese identifiers."""
