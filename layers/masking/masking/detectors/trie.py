"""Word lists as regex alternations shaped like a prefix tree.

Python's engine tries a flat alternation of a few hundred words one word after another at every
position; as a tree it tries one branch per letter. Measured on chat prose: 0.85 us per
character for the name cues as a flat alternation, 0.05 as a tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any


def alternation(words: Iterable[str]) -> str:
    """The words as one regex alternation shaped as a prefix tree (`d(?:ear(?:est)?|r)`), longest
    match first."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + emit(node[ch]) for ch in sorted(k for k in node if k)]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and "" not in node else f"(?:{'|'.join(branches)})"
        return body + ("?" if "" in node else "")

    return emit(tree)
