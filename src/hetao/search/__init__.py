"""Search: query understanding, lexical and semantic retrieval, answers."""

from hetao.search.answer import AnswerCard
from hetao.search.backends import backend_names, get_backend
from hetao.search.index import IndexManager, SearchIndex
from hetao.search.service import SearchOutcome, list_misses, record_miss, scrub, search
from hetao.search.statistics import Miss, top_misses

__all__ = [
    "AnswerCard",
    "IndexManager",
    "Miss",
    "SearchIndex",
    "SearchOutcome",
    "backend_names",
    "get_backend",
    "list_misses",
    "record_miss",
    "scrub",
    "search",
    "top_misses",
]
