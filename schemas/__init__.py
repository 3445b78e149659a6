"""The published data files of sxcheck: element schema, aliases, code lists, rules, report schema.

The JSON files beside this module are the normative artefacts; this module only locates and
loads them (cached), so they ship inside the installed package.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def load_json(name: str):
    with open(DIR / name, encoding="utf-8") as fh:
        return json.load(fh)
