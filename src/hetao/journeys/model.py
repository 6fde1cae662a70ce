"""The shapes of a journey (一件事): its questions, early exits, and the catalogue items it may need.

All of it is immutable and built by ``hetao.journeys.loader`` from ``journeys/data/*.yaml``; every
user-facing text is a ``Text`` with all three locales."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from hetao.core.i18n import translator
from hetao.core.locales import DEFAULT_LOCALE, LOCALES
from hetao.journeys.rules import Always, Condition


@dataclass(frozen=True)
class Text:
    """A text written in each locale (``{"zh-Hant": …, "zh-Hans": …, "en": …}``)."""

    values: Mapping[str, str]

    def get(self, locale: str) -> str:
        """The text in ``locale``, else in the default locale, else in any locale."""
        for candidate in (locale, DEFAULT_LOCALE, *LOCALES):
            value = self.values.get(candidate)
            if value:
                return value
        return ""


@dataclass(frozen=True)
class Note:
    """A sentence of the gettext catalogue (``message`` is its English id) with named parameters;
    a parameter may itself be a ``Text``, rendered in the reader's locale."""

    message: str
    params: Mapping[str, str | Text] = field(default_factory=dict)

    def render(self, locale: str) -> str:
        values = {k: v.get(locale) if isinstance(v, Text) else v for k, v in self.params.items()}
        return translator(locale).gettext(self.message, **values)


@dataclass(frozen=True)
class Reason:
    """Why a step is in or out of a plan: the journey's own explanation, and notes added by the plan
    (which "don't know" answers made it optional, which item an exclusive group kept). ``unsure``
    are the ids of questions answered "don't know" behind this reason."""

    text: Text
    notes: tuple[Note, ...] = ()
    unsure: tuple[str, ...] = ()

    def render(self, locale: str) -> str:
        """The explanation followed by the notes, as whole sentences."""
        parts = [self.text.get(locale), *(n.render(locale) for n in self.notes)]
        return (" " if locale == "en" else "").join(p for p in parts if p)


class QuestionKind(StrEnum):
    yes_no = "yes_no"  # yes / no / dont_know
    choice = "choice"  # one option
    multi = "multi"  # any number of options
    date = "date"
    number = "number"


@dataclass(frozen=True)
class Option:
    id: str
    label: Text


@dataclass(frozen=True)
class Question:
    """One question. ``ask_when`` (over earlier questions) decides whether it is asked at all.

    ``allows_dont_know`` is always true for yes/no questions; other kinds opt in. ``minimum`` and
    ``maximum`` bound number and date answers."""

    id: str
    kind: QuestionKind
    text: Text
    hint: Text | None = None
    options: tuple[Option, ...] = ()
    ask_when: Condition = Always(True)
    allows_dont_know: bool = False
    minimum: object = None
    maximum: object = None

    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)


@dataclass(frozen=True)
class Exit:
    """An early way out: when ``when`` holds the journey does not apply, and ``reason`` says why
    (and usually where to go instead). A condition that is only *unknown* never exits."""

    id: str
    when: Condition
    reason: Text


@dataclass(frozen=True)
class Because:
    """An item's explanation for each outcome. ``unknown`` explains an item that is optional
    because of "don't know" answers; without it the ``required`` text is used with a note."""

    required: Text
    excluded: Text
    optional: Text | None = None
    unknown: Text | None = None


@dataclass(frozen=True)
class ExclusiveGroup:
    """Items of which a plan keeps at most one (the first in data order that applies, required
    before optional); ``because`` says why the others are then excluded."""

    id: str
    because: Text


@dataclass(frozen=True)
class Item:
    """A catalogue service item (``key`` = its slug) as a possible step of the journey.

    Outcome (see ``hetao.journeys.plan.decide``): excluded when ``exclude_when`` holds; required when
    ``include_when`` holds; optional when ``optional_when`` holds; optional ("check with the hall")
    when ``include_when``, ``optional_when`` or ``exclude_when`` is unknown; otherwise excluded.
    ``after`` lists item keys this one must wait for when they are in the plan too."""

    key: str
    include_when: Condition
    because: Because
    optional_when: Condition = Always(False)
    exclude_when: Condition = Always(False)
    after: tuple[str, ...] = ()
    exclusive_group: str | None = None
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class FieldSpec:
    """A field of the merged application form (from the shared registry ``fields.yaml``).

    ``kind`` is one of text, email, tel, date; ``pattern`` (a regular expression the whole value
    must match) and ``max_length`` validate it; ``invalid`` says what a valid value looks like."""

    id: str
    kind: str
    label: Text
    hint: Text | None = None
    pattern: str | None = None
    max_length: int | None = None
    invalid: Text | None = None


@dataclass(frozen=True)
class Journey:
    """A life or business event: the questions to ask and the items a plan is built from."""

    slug: str
    title: Text
    summary: Text
    intro: Text
    questions: tuple[Question, ...]
    items: tuple[Item, ...]
    exits: tuple[Exit, ...] = ()
    #: Display position among journeys (lower first).
    order: int = 0
    groups: Mapping[str, ExclusiveGroup] = field(default_factory=dict)
    #: The registry fields the journey's items need, by id.
    fields: Mapping[str, FieldSpec] = field(default_factory=dict)

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def item(self, key: str) -> Item:
        for i in self.items:
            if i.key == key:
                return i
        raise KeyError(key)

    def item_keys(self) -> tuple[str, ...]:
        return tuple(i.key for i in self.items)
