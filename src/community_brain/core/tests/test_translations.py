"""Chinese first: every string of the interface has its zh-hans translation."""

from pathlib import Path

import polib
from django.conf import settings


def test_every_message_is_translated():
    po = polib.pofile(str(Path(settings.LOCALE_PATHS[0]) / "zh_Hans/LC_MESSAGES/django.po"))
    missing = [e.msgid for e in po if not e.obsolete and not e.translated()]
    assert not missing, f"untranslated: {missing[:10]} (run make messages, then translate)"
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy translations to check: {fuzzy[:10]}"
