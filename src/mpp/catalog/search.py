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

# Words people put around what they look for ("cara bikin akta", "syarat urus ktp"): they name no
# service, so they are not required to match while the query holds another word.
EVERYDAY_WORDS = frozenset(
    {
        "bikin", "bikinin", "buat", "membuat", "pembuatan", "urus", "mengurus", "ngurus",
        "pengurusan", "cara", "caranya", "syarat", "syaratnya", "persyaratan", "gimana",
        "bagaimana", "mau", "ingin", "pengen", "pingin", "tolong", "minta", "saya", "aku",
        "di", "ke", "dan", "yang", "untuk", "utk", "online", "daring", "mengajukan", "ajukan",
        "pengajuan", "how", "get", "the", "my", "apply", "for",
    }
)  # fmt: skip
# Verbs of making something new: among the matches, a name that says so comes first ("bikin
# paspor" → "Penerbitan paspor … baru", not the replacement).
MAKING_WORDS = frozenset({"bikin", "bikinin", "buat", "membuat", "pembuatan", "get"})
MAKING_HINTS: tuple[Alternative, ...] = (("terbit",), ("baru",), ("rekam",), ("daftar",))
# Phrases whose words mean something else together: a "child's certificate" is the birth
# certificate, not the child's identity card. Matched on consecutive words, any spelling below.
PHRASES: dict[tuple[str, ...], tuple[str, ...]] = {
    ("akta", "anak"): ("akta", "kelahiran"),
    ("akte", "anak"): ("akta", "kelahiran"),
    ("surat", "lahir"): ("akta", "kelahiran"),
    ("surat", "kelahiran"): ("akta", "kelahiran"),
    ("ktp", "anak"): ("kartu", "identitas", "anak"),
    ("ktp", "digital"): ("identitas", "kependudukan", "digital"),
    ("surat", "nikah"): ("akta", "perkawinan"),
    ("surat", "kelakuan", "baik"): ("skck",),
    ("kelakuan", "baik"): ("skck",),
    ("perpanjang", "paspor"): ("penggantian", "paspor"),
    ("perpanjangan", "paspor"): ("penggantian", "paspor"),
    ("pindah", "domisili"): ("surat", "pindah"),
    ("pindah", "alamat"): ("surat", "pindah"),
}


def _rewrite_phrases(found: list[str]) -> list[str]:
    result: list[str] = []
    index = 0
    longest = max(len(phrase) for phrase in PHRASES)
    while index < len(found):
        for size in range(longest, 1, -1):
            replacement = PHRASES.get(tuple(found[index : index + size]))
            if replacement:
                result.extend(replacement)
                index += size
                break
        else:
            result.append(found[index])
            index += 1
    return result


def significant_words(query: Any) -> list[str]:
    """The query's words that name what the person looks for: phrases rewritten, everyday words
    ("bikin", "cara", "syarat") left out unless nothing else remains, at most ``MAX_TERMS``."""
    found = _rewrite_phrases(query_words(query))
    named = [word for word in found if word not in EVERYDAY_WORDS]
    result: list[str] = []
    for word in named or found:
        if word not in result:
            result.append(word)
    return result[:MAX_TERMS]


def hints(query: Any) -> list[Alternative]:
    """Words that put a service first among the matches without being required (see
    ``MAKING_WORDS``)."""
    if any(word in MAKING_WORDS for word in query_words(query)):
        return list(MAKING_HINTS)
    return []


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
    return [alternatives(word, synonyms) for word in significant_words(query)]


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
