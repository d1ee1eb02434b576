"""Every write of the access app: consent, templates, credentials and visitors, gates and
what happens at them, privacy settings. Transactional, permission-checked and audited."""
