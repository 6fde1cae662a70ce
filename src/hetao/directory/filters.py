"""The filter contract of organisation lists, shared by the HTML directory and the JSON API."""

from __future__ import annotations

from dataclasses import dataclass

from hetao.core.errors import Problem, ValidationFailed
from hetao.core.i18n import N_
from hetao.core.matching import matches
from hetao.directory.models import Organization, OrganizationKind

#: Field tags known to the directory filters (organisations may carry others).
FIELD_TAGS = (
    "ai",
    "biomedicine",
    "chips",
    "robotics",
    "quantum",
    "materials",
    "iot",
    "medical_devices",
    "eda",
    "fintech",
    "mathematics",
    "energy",
    "public_service",
    "youth_startups",
)


@dataclass(frozen=True)
class OrganizationFilter:
    kind: str | None = None
    tag: str | None = None
    hk_background: bool | None = None
    q: str | None = None
    include_departments: bool = True

    def validate(self) -> OrganizationFilter:
        problems = []
        if self.kind and self.kind not in OrganizationKind.__members__:
            problems.append(
                Problem("kind", N_("Unknown kind of organisation %(value)s."), {"value": self.kind})
            )
        if self.tag and self.tag not in FIELD_TAGS:
            problems.append(Problem("tag", N_("Unknown field %(value)s."), {"value": self.tag}))
        if self.q and len(self.q) > 200:
            problems.append(
                Problem("q", N_("The search text is too long (at most %(max)d characters)."), {"max": 200})
            )
        if problems:
            raise ValidationFailed(problems)
        return self

    def accepts(self, org: Organization) -> bool:
        if self.kind and org.kind != self.kind:
            return False
        if not self.kind and not self.include_departments and org.kind == OrganizationKind.department:
            return False
        if self.tag and self.tag not in (org.tags or []):
            return False
        if self.hk_background is not None and org.hk_background != self.hk_background:
            return False
        if self.q:
            texts = [row.value for row in org.texts if row.field in ("name", "alternate_name", "description")]
            if not matches(self.q, texts):
                return False
        return True
