"""Conditions over a person's answers, written as data and evaluated without ``eval``.

Syntax (YAML):

- ``true`` / ``false`` — always / never;
- ``{all: [c, …]}``, ``{any: [c, …]}``, ``{not: c}``;
- ``{q: <question id>, <op>: <value>}`` with one operator: ``eq``, ``ne`` (any kind but multi),
  ``lt``, ``le``, ``gt``, ``ge`` (number and date questions), ``in`` (a list of options of a yes/no or
  choice question), ``contains`` (an option of a multi-choice question);
- ``{answered: <question id>}`` — answered with a real value (not "don't know");
- ``{unknown: <question id>}`` — answered "don't know".

**Three-valued logic.** "Don't know" (不清楚, the answer ``dont_know``) is not "no". A comparison on
a question answered "don't know" is *unknown*, not false; ``all``/``any``/``not`` follow Kleene's
logic (``all`` is false if any part is false, else unknown if any part is unknown; ``any`` is true if
any part is true, else unknown if any is unknown; ``not unknown`` is unknown). The journey layer
turns an unknown outcome into "optional — check with the hall" rather than silently dropping or
requiring the step, and names the questions that made it unknown (``Verdict.unsure``).

A question that was **not asked** (skipped by its ``ask_when``, so it does not apply) makes every
comparison on it *false* — and so ``not`` of such a comparison true. ``answered`` and ``unknown``
are never unknown themselves, so authors can also test "don't know" explicitly.

Rule data are checked when parsed: unknown operators and question ids, operators that do not fit the
question's kind, values that are not options or of the wrong type; every problem names its path
(e.g. ``company-setup: items[3].include_when.all[1]``).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from hetao.core.errors import Problem
from hetao.core.i18n import N_

YES = "yes"
NO = "no"
#: The answer "don't know" (不清楚), allowed on yes/no questions and where a question allows it.
DONT_KNOW = "dont_know"

#: An answer: an option id (yes/no/choice), a tuple of option ids (multi), a date, a number, or DONT_KNOW.
Answer = str | tuple[str, ...] | date | int | float
Answers = Mapping[str, Answer]


class Truth(StrEnum):
    true = "true"
    false = "false"
    unknown = "unknown"


@dataclass(frozen=True)
class Verdict:
    """The value of a condition; ``unsure`` are the questions answered "don't know" that made it unknown."""

    truth: Truth
    unsure: frozenset[str] = frozenset()

    @property
    def holds(self) -> bool:
        return self.truth is Truth.true

    @property
    def fails(self) -> bool:
        return self.truth is Truth.false

    @property
    def unknown(self) -> bool:
        return self.truth is Truth.unknown


TRUE = Verdict(Truth.true)
FALSE = Verdict(Truth.false)


def _unknown(question: str) -> Verdict:
    return Verdict(Truth.unknown, frozenset({question}))


class Condition:
    """A parsed condition. ``evaluate`` never raises on well-typed answers."""

    def evaluate(self, answers: Answers) -> Verdict:
        raise NotImplementedError

    def questions(self) -> frozenset[str]:
        """The question ids the condition reads."""
        raise NotImplementedError


@dataclass(frozen=True)
class Always(Condition):
    value: bool

    def evaluate(self, answers: Answers) -> Verdict:
        return TRUE if self.value else FALSE

    def questions(self) -> frozenset[str]:
        return frozenset()


@dataclass(frozen=True)
class AllOf(Condition):
    parts: tuple[Condition, ...]

    def evaluate(self, answers: Answers) -> Verdict:
        verdicts = [p.evaluate(answers) for p in self.parts]
        if any(v.fails for v in verdicts):
            return FALSE
        unsure = [v for v in verdicts if v.unknown]
        if unsure:
            return Verdict(Truth.unknown, frozenset().union(*(v.unsure for v in unsure)))
        return TRUE

    def questions(self) -> frozenset[str]:
        return frozenset().union(*(p.questions() for p in self.parts))


@dataclass(frozen=True)
class AnyOf(Condition):
    parts: tuple[Condition, ...]

    def evaluate(self, answers: Answers) -> Verdict:
        verdicts = [p.evaluate(answers) for p in self.parts]
        if any(v.holds for v in verdicts):
            return TRUE
        unsure = [v for v in verdicts if v.unknown]
        if unsure:
            return Verdict(Truth.unknown, frozenset().union(*(v.unsure for v in unsure)))
        return FALSE

    def questions(self) -> frozenset[str]:
        return frozenset().union(*(p.questions() for p in self.parts))


@dataclass(frozen=True)
class Not(Condition):
    part: Condition

    def evaluate(self, answers: Answers) -> Verdict:
        verdict = self.part.evaluate(answers)
        if verdict.unknown:
            return verdict
        return FALSE if verdict.holds else TRUE

    def questions(self) -> frozenset[str]:
        return self.part.questions()


_COMPARE: dict[str, Callable[[object, object], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


@dataclass(frozen=True)
class Compare(Condition):
    question: str
    op: str
    value: object

    def evaluate(self, answers: Answers) -> Verdict:
        if self.question not in answers:
            return FALSE
        answer = answers[self.question]
        if answer == DONT_KNOW:
            return _unknown(self.question)
        try:
            return TRUE if _COMPARE[self.op](answer, self.value) else FALSE
        except TypeError:
            return FALSE

    def questions(self) -> frozenset[str]:
        return frozenset({self.question})


@dataclass(frozen=True)
class OneOf(Condition):
    question: str
    values: frozenset[str]

    def evaluate(self, answers: Answers) -> Verdict:
        if self.question not in answers:
            return FALSE
        answer = answers[self.question]
        if answer == DONT_KNOW:
            return _unknown(self.question)
        return TRUE if answer in self.values else FALSE

    def questions(self) -> frozenset[str]:
        return frozenset({self.question})


@dataclass(frozen=True)
class Contains(Condition):
    question: str
    value: str

    def evaluate(self, answers: Answers) -> Verdict:
        if self.question not in answers:
            return FALSE
        answer = answers[self.question]
        if answer == DONT_KNOW:
            return _unknown(self.question)
        return TRUE if isinstance(answer, tuple) and self.value in answer else FALSE

    def questions(self) -> frozenset[str]:
        return frozenset({self.question})


@dataclass(frozen=True)
class Answered(Condition):
    question: str

    def evaluate(self, answers: Answers) -> Verdict:
        return TRUE if self.question in answers and answers[self.question] != DONT_KNOW else FALSE

    def questions(self) -> frozenset[str]:
        return frozenset({self.question})


@dataclass(frozen=True)
class Unknown(Condition):
    question: str

    def evaluate(self, answers: Answers) -> Verdict:
        return TRUE if answers.get(self.question) == DONT_KNOW else FALSE

    def questions(self) -> frozenset[str]:
        return frozenset({self.question})


@dataclass(frozen=True)
class QuestionShape:
    """What the rule checker needs to know of a question: its kind and option ids."""

    kind: str
    options: frozenset[str] = frozenset()


_OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "contains")
_FITS = {
    "yes_no": {"eq", "ne", "in"},
    "choice": {"eq", "ne", "in"},
    "multi": {"contains"},
    "date": {"eq", "ne", "lt", "le", "gt", "ge"},
    "number": {"eq", "ne", "lt", "le", "gt", "ge"},
}


def evaluate(condition: Condition, answers: Answers) -> Verdict:
    """The verdict of ``condition`` on ``answers`` (see the module docstring for the logic)."""
    return condition.evaluate(answers)


def parse_condition(
    data: object, *, shapes: Mapping[str, QuestionShape], path: str, problems: list[Problem]
) -> Condition:
    """Parse condition data, appending a Problem (with ``path``) for everything wrong with it.

    On problems the returned condition is ``Always(False)`` in place of the faulty part, so parsing
    can go on and report every problem at once."""
    if isinstance(data, bool):
        return Always(data)
    if not isinstance(data, Mapping):
        problems.append(Problem(path, N_("A condition must be true, false or a mapping.")))
        return Always(False)
    if "q" in data:
        return _parse_comparison(data, shapes=shapes, path=path, problems=problems)
    if len(data) != 1:
        problems.append(
            Problem(path, N_("Give exactly one of all, any, not, answered, unknown, or q with an operator."))
        )
        return Always(False)
    ((name, body),) = data.items()
    if name in ("all", "any"):
        if not isinstance(body, list) or not body:
            problems.append(Problem(f"{path}.{name}", N_("Give a non-empty list of conditions.")))
            return Always(False)
        parts = tuple(
            parse_condition(part, shapes=shapes, path=f"{path}.{name}[{i}]", problems=problems)
            for i, part in enumerate(body)
        )
        return AllOf(parts) if name == "all" else AnyOf(parts)
    if name == "not":
        return Not(parse_condition(body, shapes=shapes, path=f"{path}.not", problems=problems))
    if name in ("answered", "unknown"):
        if not _known_question(body, shapes, f"{path}.{name}", problems):
            return Always(False)
        return Answered(str(body)) if name == "answered" else Unknown(str(body))
    problems.append(Problem(path, N_("Unknown condition %(name)s."), {"name": name}))
    return Always(False)


def _known_question(question: object, shapes: Mapping[str, QuestionShape], path: str, problems) -> bool:
    if not isinstance(question, str) or question not in shapes:
        problems.append(Problem(path, N_("Unknown question %(question)s."), {"question": question}))
        return False
    return True


def _parse_comparison(
    data: Mapping, *, shapes: Mapping[str, QuestionShape], path: str, problems: list[Problem]
) -> Condition:
    question = data["q"]
    ops = [k for k in data if k != "q"]
    if len(ops) != 1 or ops[0] not in _OPERATORS:
        problems.append(
            Problem(
                path,
                N_("Give exactly one operator with q, one of: %(operators)s."),
                {"operators": ", ".join(_OPERATORS)},
            )
        )
        return Always(False)
    if not _known_question(question, shapes, f"{path}.q", problems):
        return Always(False)
    op = ops[0]
    value = data[op]
    shape = shapes[question]
    where = f"{path}.{op}"
    if op not in _FITS.get(shape.kind, set()):
        problems.append(
            Problem(
                where,
                N_("The operator %(operator)s does not fit the %(kind)s question %(question)s."),
                {"operator": op, "kind": shape.kind, "question": question},
            )
        )
        return Always(False)
    if value == DONT_KNOW or (isinstance(value, list) and DONT_KNOW in value):
        problems.append(Problem(where, N_("Do not compare with dont_know: use the unknown condition.")))
        return Always(False)
    if op == "in":
        if not isinstance(value, list) or not value:
            problems.append(Problem(where, N_("Give a non-empty list of options.")))
            return Always(False)
        if not all(_is_option(v, shape, question, where, problems) for v in value):
            return Always(False)
        return OneOf(question, frozenset(value))
    if shape.kind in ("yes_no", "choice", "multi"):
        if not _is_option(value, shape, question, where, problems):
            return Always(False)
        return Contains(question, value) if op == "contains" else Compare(question, op, value)
    if shape.kind == "date" and (isinstance(value, bool) or not isinstance(value, date)):
        problems.append(Problem(where, N_("Compare with a date (YYYY-MM-DD).")))
        return Always(False)
    if shape.kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
        problems.append(Problem(where, N_("Compare with a number.")))
        return Always(False)
    return Compare(question, op, value)


def _is_option(value: object, shape: QuestionShape, question: str, path: str, problems) -> bool:
    if isinstance(value, str) and value in shape.options:
        return True
    problems.append(
        Problem(
            path,
            N_("%(value)s is not an option of the question %(question)s."),
            {"value": value, "question": question},
        )
    )
    return False
