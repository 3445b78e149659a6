"""Every rule's exact message and fix hint, in Chinese and English (tests/data/messages.json).

Each entry holds a real finding's element, value and parameters (from the bundled samples where a
sample triggers the rule) and the text a user must see.  A changed template, a lost parameter or
a missing translation shows up here as a diff of one rule.
"""
import json

import pytest

from conftest import ROOT
from validators.core.rulebook import all_rules
from validators.core.schema import label
from validators.report.messages import hint, render

GOLDEN = json.loads((ROOT / "tests" / "data" / "messages.json").read_text(encoding="utf-8"))


def test_every_declared_rule_has_a_golden_message():
    assert sorted(set(all_rules()) - set(GOLDEN)) == []
    assert sorted(set(GOLDEN) - set(all_rules())) == []


@pytest.mark.parametrize("code", sorted(GOLDEN))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_message_and_hint(code, lang):
    case = GOLDEN[code]
    message = render(code, lang, field_label=label(case["field"], lang), value=case["value"],
                     params=case["params"])
    assert message == case[lang]["message"]
    assert hint(code, lang, case["params"]) == case[lang]["hint"]
    assert "?" not in message.replace("？", ""), "a template parameter is missing"
