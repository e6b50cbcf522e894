"""Column-name casing exactly as drizzle-orm applies it (``casing: "snake_case" | "camelCase"``)."""

from __future__ import annotations

import re
from typing import Optional

_WORDS = re.compile(r"[\da-z]+|[A-Z]+(?![a-z])|[A-Z][\da-z]+")
_QUOTES = re.compile("['\u2019]")


def _words(text: str) -> list[str]:
    return _WORDS.findall(_QUOTES.sub("", text))


def to_snake_case(text: str) -> str:
    return "_".join(w.lower() for w in _words(text))


def to_camel_case(text: str) -> str:
    out = ""
    for i, word in enumerate(_words(text)):
        out += word.lower() if i == 0 else word[0].upper() + word[1:]
    return out


def apply_casing(key: str, casing: Optional[str]) -> str:
    if casing == "snake_case":
        return to_snake_case(key)
    if casing == "camelCase":
        return to_camel_case(key)
    return key
