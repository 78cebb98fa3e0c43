"""Suggest a CPV code for a partner's free-text spend category, from the words of the CPV labels.

Categories are each partner's own words ("Construction", "Facilities & Management
Services"); CPV labels are the EU's. Two measures, multiplied:

- character n-gram TF-IDF similarity (scikit-learn), so "Healthcare" meets "Health
  services" and "Utilities" meets "Public utilities";
- how many of the category's words the label has (rapidfuzz, forgiving endings), so
  "Vehicle Management" does not land on "Construction management services" on one word.

Only a close match is offered: below ``MIN_SIMILARITY`` we suggest nothing and the
lead chooses. When a broader code scores nearly as well as a narrower one beneath it
("Transport services" against "Air transport services"), the broader one is suggested:
the category's words rarely say which branch.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

from portal.cpv import ancestors, catalogue

# Checked on the demo categories against the division and group labels: 0.45 keeps
# "Construction" (0.88), "Catering" and "Cleaning" (0.9+), "Stationery & Printing" (0.57),
# and drops "Facilities & Management Services" (0.36 at best, on half its words).
MIN_SIMILARITY = 0.45
BROADER_WITHIN = 0.15  # a broader code this close to the best is suggested instead
SHORTLIST = 40  # labels scored on their words, from the best by n-grams
_WORD = re.compile(r"[a-z]+")
_MINOR_WORDS = {"and", "of", "the", "for", "to", "in", "on", "or", "with", "a", "an", "incl", "excl", "except"}


@dataclass(frozen=True)
class Candidate:
    cpv_code: str
    label: str
    similarity: float


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in _MINOR_WORDS and len(w) > 1]


@lru_cache(maxsize=4)
def _index(labels: tuple[tuple[str, str], ...]):
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=True)
    return vectorizer, vectorizer.fit_transform([text for _, text in labels]), [set(_words(t)) for _, t in labels]


def _coverage(words: list[str], label_words: set[str]) -> float:
    """The share of the category's words the label has (a word within another counts: health/healthcare)."""
    if not words:
        return 0.0
    found = sum(1 for w in words if any(fuzz.partial_ratio(w, lw) >= 85 and min(len(w), len(lw)) >= 4 or w == lw
                                        for lw in label_words))
    return found / len(words)


def candidates(category: str, limit: int = 5) -> list[Candidate]:
    """The CPV codes whose labels are closest to the category's words, closest first."""
    text = (category or "").strip()
    labels = tuple(sorted(catalogue().items()))
    words = _words(text)
    if not words or not labels:
        return []
    vectorizer, matrix, label_words = _index(labels)
    cosine = linear_kernel(vectorizer.transform([text]), matrix)[0]
    shortlist = sorted(range(len(labels)), key=lambda i: -cosine[i])[:SHORTLIST]
    scored = [(float(cosine[i]) * _coverage(words, label_words[i]), i) for i in shortlist]
    # Closest first; equal scores go to the broader code (fewer significant digits), then the lower code.
    scored.sort(key=lambda s: (-s[0], len(labels[s[1]][0].rstrip("0")), labels[s[1]][0]))
    return [Candidate(labels[i][0], labels[i][1], round(score, 3)) for score, i in scored[:limit] if score > 0]


def suggest(category: str) -> Candidate | None:
    """The one code to suggest for this category, or None when no label is close enough."""
    found = candidates(category, limit=SHORTLIST)
    if not found or found[0].similarity < MIN_SIMILARITY:
        return None
    best = found[0]
    broader = [c for c in found if c.cpv_code in ancestors(best.cpv_code)[:-1] and c.similarity >= best.similarity - BROADER_WITHIN]
    return min(broader, key=lambda c: len(c.cpv_code.rstrip("0"))) if broader else best
