"""Fill the Dutch catalogue from locale/nl/strings/*.json and report what is missing.

Each app keeps the Dutch for its own msgids in locale/nl/strings/<app>.json
({"English msgid": "Nederlandse vertaling"}), so people working on different
apps never edit the same lines of django.po. `make messages` runs
makemessages, then this script, then compilemessages.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def main() -> int:
    strings: dict[str, str] = {}
    for path in sorted((ROOT / "locale" / "nl" / "strings").glob("*.json")):
        strings.update(json.loads(path.read_text(encoding="utf-8")))
    catalogue = polib.pofile(str(PO))
    for entry in catalogue:
        if entry.msgid in strings:
            if entry.msgid_plural:
                value = strings[entry.msgid]
                forms = value if isinstance(value, list) else [value, value]
                entry.msgstr_plural = {0: forms[0], 1: forms[1]}
            else:
                entry.msgstr = strings[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgid_plural = None
    catalogue.save()
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    missing += [entry.msgid for entry in catalogue.fuzzy_entries()]
    for msgid in missing:
        print(f"untranslated: {msgid!r}", file=sys.stderr)
    print(f"{len(catalogue.translated_entries())} translated, {len(missing)} missing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
