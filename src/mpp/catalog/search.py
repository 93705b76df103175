"""Search text as people write it: words, Indonesian stems, old spellings and the synonym table.

A service's searchable text is normalised once, when it is published (``services.refresh_search``):
every word is stored with its Sastrawi stem, so a request never stems the catalogue. A query is
turned into *terms*; each term is satisfied by any of its *alternatives* (the word itself, its
stem, its spelling variants, the ministry's synonyms, each of which may be several words that must
all occur). See ``docs/catalog.md`` (search).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

MAX_QUERY_CHARS = 200
MAX_TERMS = 8
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Spellings from before the 1972 EYD reform that people still type (djalan, tjerai, soerat).
_OLD_SPELLING = (("tj", "c"), ("dj", "j"), ("oe", "u"), ("nj", "ny"), ("sj", "sy"))


@functools.cache
def _stemmer():
    """Sastrawi's stemmer, built once per process (it loads a dictionary of root words)."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@functools.lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The Indonesian root of ``word`` (``kelahiran`` → ``lahir``); digits and short words stay."""
    if len(word) < 4 or not (word.isascii() and word.isalpha()):
        return word
    root = _stemmer().stem(word)
    return root if root.isalpha() and root.isascii() else word


def words(text: Any) -> list[str]:
    """The lowercase words of ``text`` (letters and digits; everything else separates words)."""
    if not isinstance(text, str):
        return []
    return _WORD.findall(text.lower())


def variants(word: str) -> list[str]:
    """Spelling variants of ``word`` in today's spelling (``djalan`` → ``jalan``)."""
    result = word
    for old, new in _OLD_SPELLING:
        result = result.replace(old, new)
    return [result] if result != word else []


def document(parts: Iterable[str]) -> str:
    """The stored search text: every word followed by its stem when that differs, space-padded.

    ``" penerbitan terbit akta kelahiran lahir "``: a word-prefix test is then ``" akta" in text``
    on any database, and PostgreSQL builds its tsvector from the same words.
    """
    tokens: list[str] = []
    seen: set[str] = set()
    for part in parts:
        for word in words(part):
            for token in (word, stem(word)):
                if token not in seen:
                    seen.add(token)
                    tokens.append(token)
    return " " + " ".join(tokens) + " " if tokens else ""


def query_words(query: Any) -> list[str]:
    """The distinct words of a query, at most ``MAX_TERMS`` (nothing a query holds can break SQL)."""
    if not isinstance(query, str):
        return []
    result: list[str] = []
    for word in words(query[:MAX_QUERY_CHARS]):
        word = word[:50]
        if word not in result:
            result.append(word)
    return result[:MAX_TERMS]


Alternative = tuple[str, ...]  # words that must all occur (as word prefixes)


def alternatives(word: str, synonyms: Mapping[str, list[str]]) -> list[Alternative]:
    """Every way the query word ``word`` may occur in a service: itself, its stem, variants,
    and the synonym table's expansions (``kk`` → ``kartu keluarga``), each stemmed as well."""
    found: list[Alternative] = []

    def add(alt: Alternative) -> None:
        if alt and alt not in found:
            found.append(alt)

    spellings = [word, *variants(word)]
    for spelling in spellings:
        add((spelling,))
        add((stem(spelling),))
    for spelling in [*spellings, stem(word)]:
        for expansion in synonyms.get(spelling, ()):
            expanded = tuple(words(expansion))
            add(expanded)
            add(tuple(stem(w) for w in expanded))
    return found


def terms(query: Any, synonyms: Mapping[str, list[str]]) -> list[list[Alternative]]:
    """The query as terms (one per word), each a list of alternatives; every term must match."""
    return [alternatives(word, synonyms) for word in query_words(query)]


def contains(text: str, alternative: Alternative) -> bool:
    """Does the stored search ``text`` hold every word of ``alternative`` as a word prefix?"""
    return all(f" {w}" in text for w in alternative)


def suggestion(query: Any, vocabulary: Iterable[str]) -> str:
    """The query with each unknown word replaced by the closest known word, or ``""``.

    ``vocabulary`` is the set of words of service names and synonym terms; a word found there
    (or as the start of one) is kept as typed.
    """
    known = sorted(set(vocabulary))
    known_set = set(known)
    changed = False
    result = []
    for word in query_words(query):
        if word in known_set or len(word) < 3:
            result.append(word)
            continue
        close = difflib.get_close_matches(word, known, n=1, cutoff=0.75)
        if close:
            result.append(close[0])
            changed = True
        else:
            result.append(word)
    return " ".join(result) if changed else ""
