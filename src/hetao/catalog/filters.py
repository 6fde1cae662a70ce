"""The filter contract of service lists, shared by the HTML pages and the JSON API."""

from __future__ import annotations

from dataclasses import dataclass

from hetao.catalog.models import Category, Channel
from hetao.catalog.snapshot import ServiceRow
from hetao.core.errors import Problem, ValidationFailed
from hetao.core.i18n import N_
from hetao.core.matching import matches_folded


@dataclass(frozen=True)
class ServiceFilter:
    category: str | None = None
    channel: str | None = None
    cross_border: bool | None = None
    department: str | None = None  # organisation slug
    q: str | None = None

    def validate(self) -> ServiceFilter:
        problems = []
        if self.category and self.category not in Category.__members__:
            problems.append(Problem("category", N_("Unknown category %(value)s."), {"value": self.category}))
        if self.channel and self.channel not in Channel.__members__:
            problems.append(Problem("channel", N_("Unknown channel %(value)s."), {"value": self.channel}))
        if self.q and len(self.q) > 200:
            problems.append(
                Problem("q", N_("The search text is too long (at most %(max)d characters)."), {"max": 200})
            )
        if problems:
            raise ValidationFailed(problems)
        return self

    def accepts(self, row: ServiceRow) -> bool:
        if self.category and row.category != self.category:
            return False
        if self.channel and self.channel not in row.channels:
            return False
        if self.cross_border is not None and row.cross_border != self.cross_border:
            return False
        if self.department and row.department != self.department:
            return False
        return not self.q or matches_folded(self.q, row.folded)

    def is_empty(self) -> bool:
        return not any((self.category, self.channel, self.cross_border is not None, self.department, self.q))
