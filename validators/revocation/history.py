"""One permit across decisions: group the registry items that name it, resolve its latest state.

A permit can be delegated by one decision and cancelled by a later one (重大动物疫病病料采集审批:
下放 by 国发〔2013〕44号, 取消 by 国发〔2017〕7号), a province can keep a cancelled item under its
own regulation (``地方保留`` with ``region`` and ``overrides``), and the same item reappears under
an alias or with a gloss dropped.  Items are grouped when any of their names share a normalised
key (:func:`validators.core.names.normalise_name`); a group's *state* for a region at a date is
the last event on or before that date, where a ``地方保留`` event only counts in its own region.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from validators.core.names import normalise_name
from validators.revocation.registry import Item, Registry

CANCELLED = frozenset({"取消", "改为备案", "取消初审"})
DELEGATED = frozenset({"下放"})
PARTIAL = frozenset({"部分取消", "部分下放"})
KEPT = "地方保留"
# a parenthesised gloss an annex adds to a name that a local catalog may leave out: an inclusive
# note (含…, 包括…) or an acronym; scope limits (…除外, 不含…, 甲级) are never dropped
_GLOSS = re.compile(r"\((?:含|包括|包含)[^()]*\)|\([A-Za-z]{2,10}\)")


@dataclass(frozen=True)
class Name:
    """One name a group is known by, and how it relates to the registry wording."""

    key: str
    text: str          # as written in the registry
    how: str           # name | alias | gloss (the name without its inclusive gloss)
    item: Item


@dataclass(frozen=True)
class State:
    kind: str                      # cancelled | delegated | partial | kept
    item: Item                     # the deciding event
    events: tuple[Item, ...]       # the group's history up to the date, oldest first

    def history_text(self) -> str:
        return " → ".join(f"{e.when} {e.action}（{e.decision.no}）" for e in self.events)


def keys_of(item: Item) -> list[Name]:
    out = []
    main = normalise_name(item.name).key
    out.append(Name(main, item.name, "name", item))
    short = _GLOSS.sub("", main)
    if short != main and len(short) >= 4:
        out.append(Name(short, item.name, "gloss", item))
    for a in item.aliases:
        out.append(Name(normalise_name(a.name).key, a.name, "alias", item))
    return [n for n in out if n.key]


class Groups:
    """Items grouped into permits (union-find over shared name keys and ``overrides``)."""

    def __init__(self, registry: Registry):
        items = registry.items
        parent = list(range(len(items)))

        def find(i):
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        owner: dict[str, int] = {}
        self.names: list[Name] = []
        for i, it in enumerate(items):
            names = keys_of(it)
            extra = [normalise_name(o).key for o in it.overrides]
            for n in names:
                self.names.append(n)
            for k in [n.key for n in names] + extra:
                if k in owner:
                    parent[find(i)] = find(owner[k])
                else:
                    owner[k] = i
        roots: dict[int, int] = {}
        self.group_of_item: list[int] = []
        for i in range(len(items)):
            self.group_of_item.append(roots.setdefault(find(i), len(roots)))
        self.members: list[list[Item]] = [[] for _ in roots]
        index = {id(it): i for i, it in enumerate(items)}
        for i, it in enumerate(items):
            self.members[self.group_of_item[i]].append(it)
        for m in self.members:
            m.sort(key=lambda it: (it.when, it.decision.no, it.index))
        # one entry per distinct key: the matcher's targets
        self.key_group: dict[str, int] = {}
        self.key_name: dict[str, Name] = {}
        order = {"name": 0, "gloss": 1, "alias": 2}
        for n in self.names:
            g = self.group_of_item[index[id(n.item)]]
            if n.key not in self.key_group:
                self.key_group[n.key] = g
                self.key_name[n.key] = n
            elif order[n.how] < order[self.key_name[n.key].how] and n.item.action != KEPT:
                self.key_name[n.key] = n

    def __len__(self) -> int:
        return len(self.members)

    def state(self, group: int, region: str | None = None, as_of: str | None = None) -> State | None:
        """The group's state for a province (e.g. 黑龙江省, or None) at a date (YYYY-MM-DD, or
        None for today); None when no decision applies yet."""
        events = tuple(it for it in self.members[group]
                       if (it.action != KEPT or (region is not None and it.region == region))
                       and (as_of is None or it.when <= as_of))
        if not events:
            return None
        last = events[-1]
        if last.action in CANCELLED:
            kind = "cancelled"
        elif last.action in DELEGATED:
            kind = "delegated"
        elif last.action in PARTIAL:
            kind = "partial"
        else:
            kind = "kept"
        return State(kind, last, events)
