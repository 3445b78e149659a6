"""The rule registry: every rule declared once, with real sources and messages in both languages;
the published files generated from the declarations; unknown codes refused."""
import ast
import json
import subprocess
import sys

import pytest

from conftest import ROOT
from schemas import load_json
from validators.core import rulebook
from validators.core.rulebook import CATEGORIES, UndeclaredRule, all_rules
from validators.report.findings import record
from validators.report.messages import catalog as locale
from validators.report.messages import fill, rule_text


def declared_in_source() -> dict[str, str]:
    """Every ``declare("code", …)`` call in the library's source, code → file."""
    out = {}
    for path in (ROOT / "validators").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "declare"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                code = node.args[0].value
                assert code not in out, f"{code} declared in {out.get(code)} and {path}"
                out[code] = str(path.relative_to(ROOT))
    return out


def test_every_declaring_module_is_registered():
    # a module that declares rules but is missing from RULE_MODULES would hide its rules from
    # `sxcheck rules`, the README and severity lookups
    assert set(declared_in_source()) == set(all_rules())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_rule_has_messages_and_no_orphans(lang):
    texts = locale(lang)["rules"]
    for code in all_rules():
        t = texts[code]
        assert t["title"] and t["message"] and t["explain"] and t["hint"], code
        fill(t["message"], {})  # never raises on missing params
    assert set(texts) - set(all_rules()) == set(), "locale entries without a declared rule"


def test_every_rule_cites_a_real_source():
    for code, rule in all_rules().items():
        assert rule.category in CATEGORIES, code
        assert "domain" not in rule.basis and "§" not in rule.basis and ".md" not in rule.basis, code
        assert any(k in rule.basis for k in ("GB", "C0109", "RFC", "sxcheck 启发式规则", "国发", "国办",
                                              "DB", "行政许可法", "国家基本目录", "基本目录", "编号计划")), code


def test_undeclared_codes_are_refused():
    with pytest.raises(UndeclaredRule):
        record("no-such-rule", row=2)
    from validators.report.report import Report

    with pytest.raises(UndeclaredRule):
        Report().severity_of("no-such-rule")


def test_declaring_twice_is_refused():
    with pytest.raises(ValueError):
        # another module declaring an existing code
        exec("from validators.core.rulebook import declare\ndeclare('row-blank', 'info', 'input', 'x')",
             {"__name__": "somewhere.else"})


def test_rules_are_symbols_not_strings():
    rule = all_rules()["uscc-check-digit"]
    assert rule == "uscc-check-digit" and rule.severity.value == "error"
    # no emitting module repeats a declared code as a string literal outside its declaration
    codes = set(all_rules())
    for path in (ROOT / "validators").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        declared_args = {id(n.args[0]) for n in ast.walk(tree)
                         if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "declare" and n.args}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in codes and id(node) not in declared_args:
                pytest.fail(f"{path.relative_to(ROOT)}:{node.lineno} uses the literal {node.value!r}")


def test_conformity_reads_rule_attributes_not_prefixes():
    from validators.conformity.rates import TASK_ISSUES, task_finding_bits

    bits = task_finding_bits()
    assert bits["uscc-check-digit"] == 8 and bits["task-code-body-mismatch"] == 2
    assert bits["element-missing"] == 4 and "catalog-match-review" not in bits
    assert set(bits.values()) <= set(TASK_ISSUES)


def test_generated_files_match_the_declarations(tmp_path):
    """rules.json, the schema files and the README rule table are generated, never hand-kept."""
    subprocess.run([sys.executable, str(ROOT / "schemas" / "_generate.py"), "--out", str(tmp_path)],
                   check=True, cwd=ROOT)
    for name in ("guide.schema.json", "aliases.json", "codelists.json", "rules.json"):
        assert (tmp_path / name).read_text(encoding="utf-8") == \
            (ROOT / "schemas" / name).read_text(encoding="utf-8"), \
            f"run python schemas/_generate.py and commit schemas/{name}"
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == \
        (ROOT / "README.md").read_text(encoding="utf-8"), "run python schemas/_generate.py (README rule table)"


def test_rules_json_lists_every_rule():
    assert list(load_json("rules.json")) == list(all_rules())


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
    assert [c for c in all_rules() if f"`{c}`" not in readme] == []


def test_removing_a_locale_entry_or_declaration_is_caught(monkeypatch):
    """What the suite does when a rule loses its message or its declaration."""
    texts = json.loads(json.dumps(locale("zh")))
    del texts["rules"]["catalog-match-review"]
    monkeypatch.setattr("validators.report.messages.catalog", lambda lang="zh": texts)
    with pytest.raises(KeyError):
        rule_text("catalog-match-review", "zh")
    monkeypatch.delitem(rulebook._REGISTRY, "catalog-match-review")
    with pytest.raises(UndeclaredRule):
        rulebook.get("catalog-match-review")
