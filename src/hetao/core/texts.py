"""Translated text stored as rows per locale, with the fallback rules of DESIGN.md:
the asked locale, then the other Chinese script converted by OpenCC (marked machine-converted),
then English, then whatever exists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from hetao.core.locales import LOCALES
from hetao.core.script import convert


class TextRow:
    """Mixin for a ``<owner>_texts`` table: one row per (owner, locale, field)."""

    __owner_table__: ClassVar[str]

    @declared_attr
    def owner_id(cls) -> Mapped[str]:  # noqa: N805
        return mapped_column(
            String(36), ForeignKey(f"{cls.__owner_table__}.id", ondelete="CASCADE"), primary_key=True
        )

    locale: Mapped[str] = mapped_column(String(12), primary_key=True)
    field: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


@dataclass(frozen=True)
class LocalText:
    """A text in some locale; ``machine`` when converted by OpenCC rather than written."""

    value: str
    locale: str
    machine: bool = False

    def __str__(self) -> str:
        return self.value

    def differs_from(self, locale: str) -> bool:
        return self.locale != locale


def _fallback_order(locale: str) -> list[str]:
    order = [locale]
    if locale == "zh-Hant":
        order += ["zh-Hans", "en"]
    elif locale == "zh-Hans":
        order += ["zh-Hant", "en"]
    else:
        order += ["zh-Hant", "zh-Hans"]
    return order + [x for x in LOCALES if x not in order]


class Translated:
    """Mixin for models whose text fields live in a ``texts`` relationship of ``TextRow``s."""

    __text_model__: ClassVar[type]
    texts: list  # declared by each model as a relationship

    def text_map(self) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for row in self.texts:
            out.setdefault(row.locale, {})[row.field] = row.value
        return out

    def text(self, field: str, locale: str) -> LocalText | None:
        """The text of ``field`` for a reader of ``locale``, falling back as DESIGN.md says."""
        by_locale = self.text_map()
        for candidate in _fallback_order(locale):
            value = by_locale.get(candidate, {}).get(field)
            if value is None:
                continue
            if candidate != locale and {candidate, locale} == {"zh-Hant", "zh-Hans"}:
                return LocalText(convert(value, source=candidate, target=locale), locale, machine=True)
            return LocalText(value, candidate)
        return None

    def set_texts(self, values: dict[str, dict[str, str | None]]) -> bool:
        """Replace all texts with ``{locale: {field: value}}`` (None or blank values are dropped).
        Returns whether anything changed."""
        wanted = {
            (loc, fld): val
            for loc, fields in values.items()
            for fld, val in fields.items()
            if val is not None and str(val).strip() != ""
        }
        keep = []
        changed = False
        for row in list(self.texts):
            key = (row.locale, row.field)
            if key in wanted:
                if row.value != wanted[key]:
                    row.value = wanted[key]
                    changed = True
                keep.append(row)
                del wanted[key]
            else:
                changed = True
        model = self.__text_model__
        for (loc, fld), val in sorted(wanted.items()):
            keep.append(model(locale=loc, field=fld, value=val))
            changed = True
        if len(keep) != len(self.texts) or wanted:
            self.texts[:] = keep
        return changed


def by_name(locale: str):
    """A sort key for translated rows: their name as a reader of ``locale`` sees it, then the id."""

    def key(row) -> tuple[str, str]:
        name = row.text("name", locale)
        return (name.value if name else "", row.id)

    return key
