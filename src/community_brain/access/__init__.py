"""Gates, consent, credentials and face recognition (门禁): who may come in, and how."""
