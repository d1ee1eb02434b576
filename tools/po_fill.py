"""Fill the zh_Hans catalogue from a {msgid: translation} dict (a helper for translators).

Usage: python tools/po_fill.py translations.py — the file defines ZH = {...}. Entries already
translated are left alone unless --force; msgids without a translation are listed.
"""

import runpy
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "src/community_brain/locale/zh_Hans/LC_MESSAGES/django.po"


def main() -> None:
    table = runpy.run_path(sys.argv[1])["ZH"]
    force = "--force" in sys.argv
    po = polib.pofile(str(PO))
    missing = []
    for entry in po:
        if entry.obsolete:
            continue
        text = table.get(entry.msgid)
        if entry.msgid_plural:
            if text and (force or not entry.msgstr_plural.get(0)):
                entry.msgstr_plural = {0: text}
            elif not entry.msgstr_plural.get(0):
                missing.append(entry.msgid)
        elif text and (force or not entry.msgstr):
            entry.msgstr = text
        elif not entry.msgstr:
            missing.append(entry.msgid)
        if "fuzzy" in entry.flags and (entry.msgstr or entry.msgstr_plural.get(0)):
            entry.flags.remove("fuzzy")
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata["Language"] = "zh_Hans"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save()
    for msgid in missing:
        print("untranslated:", repr(msgid))
    print(f"{len(missing)} untranslated")


if __name__ == "__main__":
    main()
