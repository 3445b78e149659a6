"""Rule codes, messages and published schema files stay consistent with each other."""
import subprocess
import sys

import pytest

from conftest import ROOT
from schemas import load_json
from validators.checks import clarity, codes, elements
from validators.checks import consistency as rules
from validators.checks import expectations as catalog
from validators.report.messages import catalog as locale, fill, rule_meta


def emitted_codes():
    out = set(elements.CODES) | set(codes.CODES) | set(rules.CODES) | set(clarity.CODES)
    out |= {"task-code-duplicate", "row-blank", "row-malformed", "sheet-skipped", "column-unknown"}
    out |= set(catalog.SEVERITY_RULE.values())
    return out


def test_every_emitted_code_is_registered():
    assert emitted_codes() - set(rule_meta()) == set()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_rule_has_messages(lang):
    texts = locale(lang)["rules"]
    for code in rule_meta():
        t = texts[code]
        assert t["title"] and t["message"] and t["explain"] and t["hint"], code
        fill(t["message"], {})  # never raises on missing params


def test_codes_are_kebab_case_and_severities_valid():
    for code, meta in rule_meta().items():
        assert code == code.lower() and " " not in code
        assert meta["severity"] in ("error", "warning", "info")


def test_generated_schema_files_are_in_sync(tmp_path):
    before = {n: (ROOT / "schemas" / n).read_text(encoding="utf-8")
              for n in ("guide.schema.json", "aliases.json", "codelists.json")}
    subprocess.run([sys.executable, str(ROOT / "schemas" / "_generate.py")], check=True)
    after = {n: (ROOT / "schemas" / n).read_text(encoding="utf-8") for n in before}
    assert before == after, "run python schemas/_generate.py and commit the result"


def test_guide_schema_is_valid_2020_12_and_documented():
    from jsonschema import Draft202012Validator

    schema = load_json("guide.schema.json")
    Draft202012Validator.check_schema(schema)
    for name, p in schema["properties"].items():
        assert p["title"] and "C0109.2" in p["description"], name
    assert schema["x-families"]["public_service"]["item_types"] == ["20"]


def test_aliases_do_not_collide():
    from validators.read.aliases import fold

    seen = {}
    for canonical, names in load_json("aliases.json").items():
        for n in [canonical, *names]:
            assert seen.setdefault(fold(n), canonical) == canonical, n


def test_readme_lists_every_rule():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [c for c in rule_meta() if f"`{c}`" not in readme] == []
