"""Query understanding: script detection, normalisation (NFKC, Simplified, colloquial Cantonese →
standard written Chinese), segmentation into index terms and typo correction against the index
vocabulary. Pure functions, shared by documents and queries."""

from hetao.search.text.cantonese import cantonese_to_standard
from hetao.search.text.fuzzy import Vocabulary, damerau_levenshtein, did_you_mean
from hetao.search.text.normalize import Analyzed, analyze, analyze_query, canonicalize, detect_script, fold
from hetao.search.text.segment import domain_terms, tokenize

__all__ = [
    "Analyzed",
    "Vocabulary",
    "analyze",
    "analyze_query",
    "canonicalize",
    "cantonese_to_standard",
    "damerau_levenshtein",
    "detect_script",
    "did_you_mean",
    "domain_terms",
    "fold",
    "tokenize",
]
