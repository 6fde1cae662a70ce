"""The questionnaire: which question comes next, reading form input, and changing earlier answers.

Answers are a plain mapping ``{question id: Answer}`` the caller keeps (in a session, a form, a
case). Questions are asked in data order; a question is skipped when its ``ask_when`` is false for
the answers before it (an *unknown* ``ask_when`` — after a "don't know" — still asks it). Changing an
answer can make later questions irrelevant: ``prune`` drops their answers. An early exit ends the
questionnaire as soon as its condition holds."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date

from hetao.core.errors import Problem, ValidationFailed
from hetao.core.i18n import N_, translator
from hetao.journeys.model import Exit, Journey, Question, QuestionKind
from hetao.journeys.rules import DONT_KNOW, NO, YES, Answer, Answers

_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")


def _walk(journey: Journey, answers: Answers) -> tuple[list[Question], dict[str, Answer]]:
    """The questions asked given ``answers``, and the answers that still count (to those questions)."""
    asked: list[Question] = []
    kept: dict[str, Answer] = {}
    for question in journey.questions:
        if question.ask_when.evaluate(kept).fails:
            continue
        asked.append(question)
        if question.id in answers:
            kept[question.id] = answers[question.id]
    return asked, kept


def questions_to_ask(journey: Journey, answers: Answers) -> list[Question]:
    """The questions that apply given ``answers``, in order (answered ones included).

    A question whose ``ask_when`` reads a question not answered yet appears once that one is
    answered, so the list can grow as the person goes on."""
    return _walk(journey, answers)[0]


def prune(journey: Journey, answers: Answers) -> dict[str, Answer]:
    """``answers`` without those to questions that are no longer asked (or that do not exist)."""
    return _walk(journey, answers)[1]


def exit_for(journey: Journey, answers: Answers) -> Exit | None:
    """The first early exit whose condition holds on the (pruned) answers, or None."""
    kept = prune(journey, answers)
    for exit_ in journey.exits:
        if exit_.when.evaluate(kept).holds:
            return exit_
    return None


def next_question(journey: Journey, answers: Answers) -> Question | None:
    """The next question to ask, or None when the questionnaire is over (all answered, or exited)."""
    asked, kept = _walk(journey, answers)
    if exit_for(journey, kept) is not None:
        return None
    for question in asked:
        if question.id not in kept:
            return question
    return None


def is_complete(journey: Journey, answers: Answers) -> bool:
    """Whether nothing more needs asking: every applicable question is answered, or an exit applies."""
    return next_question(journey, answers) is None


# -- reading and writing answers -----------------------------------------------------------------


def parse_answer(question: Question, form_values: Mapping[str, Sequence[str]]) -> Answer:
    """The answer to ``question`` from submitted form values (``{name: [values]}``; the field name is
    the question id). Raises ValidationFailed with one Problem at the question id.

    yes_no → ``"yes"``/``"no"``/``"dont_know"``; choice → an option id (or ``"dont_know"`` if the
    question allows it); multi → a tuple of option ids in option order, ``()`` for none of them, or
    ``"dont_know"`` on its own; date → ``datetime.date`` from ``YYYY-MM-DD``; number → int, or float
    for a decimal."""
    values = [v.strip() for v in form_values.get(question.id, []) if v and v.strip()]
    if question.kind is QuestionKind.multi:
        return _parse_multi(question, values)
    if not values:
        raise _invalid(question, N_("Answer this question."))
    if len(values) > 1:
        raise _invalid(question, N_("Give one answer only."))
    value = values[0]
    if value == DONT_KNOW and question.allows_dont_know:
        return DONT_KNOW
    if question.kind is QuestionKind.yes_no:
        if value not in (YES, NO):
            raise _invalid(question, N_("Choose one of the options."))
        return value
    if question.kind is QuestionKind.choice:
        if value not in question.option_ids():
            raise _invalid(question, N_("Choose one of the options."))
        return value
    if question.kind is QuestionKind.date:
        return _parse_date(question, value)
    return _parse_number(question, value)


def _invalid(question: Question, message: str, **params: object) -> ValidationFailed:
    return ValidationFailed([Problem(question.id, message, dict(params))])


def _parse_multi(question: Question, values: list[str]) -> Answer:
    if DONT_KNOW in values and question.allows_dont_know:
        if len(values) > 1:
            raise _invalid(question, N_("Choose “Don't know” on its own, or choose options."))
        return DONT_KNOW
    options = question.option_ids()
    if any(v not in options for v in values):
        raise _invalid(question, N_("Choose one of the options."))
    return tuple(o for o in options if o in values)


def _parse_date(question: Question, value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise _invalid(question, N_("Enter a date as year-month-day, for example 2026-03-02.")) from None
    if isinstance(question.minimum, date) and day < question.minimum:
        raise _invalid(
            question, N_("Enter a date on or after %(minimum)s."), minimum=question.minimum.isoformat()
        )
    if isinstance(question.maximum, date) and day > question.maximum:
        raise _invalid(
            question, N_("Enter a date on or before %(maximum)s."), maximum=question.maximum.isoformat()
        )
    return day


def _parse_number(question: Question, value: str) -> int | float:
    text = value.replace(",", "").replace("，", "")
    number: int | float
    if _INTEGER.match(text):
        number = int(text)
    elif _DECIMAL.match(text):
        number = float(text)
        if not math.isfinite(number):
            raise _invalid(question, N_("Enter a number."))
    else:
        raise _invalid(question, N_("Enter a number."))
    if question.minimum is not None and number < question.minimum:  # type: ignore[operator]
        raise _invalid(question, N_("Enter a number of at least %(minimum)s."), minimum=question.minimum)
    if question.maximum is not None and number > question.maximum:  # type: ignore[operator]
        raise _invalid(question, N_("Enter a number of at most %(maximum)s."), maximum=question.maximum)
    return number


def answer_to_form_values(question: Question, answer: Answer) -> list[str]:
    """The form values that ``parse_answer`` reads back as ``answer`` (to pre-fill a form or to
    keep answers as strings)."""
    if isinstance(answer, tuple):
        return list(answer)
    if isinstance(answer, date):
        return [answer.isoformat()]
    return [str(answer)]


def check_answers(journey: Journey, answers: Answers) -> dict[str, Answer]:
    """The pruned answers, after checking each one fits its question and none is missing.

    Raises ValidationFailed listing every unanswered or ill-formed answer (by question id)."""
    asked, kept = _walk(journey, answers)
    problems: list[Problem] = []
    for question in asked:
        if question.id not in kept:
            if exit_for(journey, kept) is None:
                problems.append(Problem(question.id, N_("This question has not been answered.")))
            continue
        try:
            parsed = parse_answer(question, {question.id: answer_to_form_values(question, kept[question.id])})
        except ValidationFailed as error:
            problems.extend(error.problems)
            continue
        if parsed != kept[question.id] or type(parsed) is not type(kept[question.id]):
            problems.append(Problem(question.id, N_("Choose one of the options.")))
    if problems:
        raise ValidationFailed(problems)
    return kept


def answer_label(question: Question, answer: Answer, locale: str) -> str:
    """The answer as the person sees it in ``locale`` (for a summary of their answers)."""
    tr = translator(locale)
    if answer == DONT_KNOW:
        return tr.gettext(N_("Don't know"))
    if question.kind is QuestionKind.yes_no:
        return tr.gettext(N_("Yes")) if answer == YES else tr.gettext(N_("No"))
    labels = {o.id: o.label.get(locale) for o in question.options}
    if question.kind is QuestionKind.multi:
        chosen = [labels[a] for a in answer if a in labels] if isinstance(answer, tuple) else []
        return ("、" if locale != "en" else ", ").join(chosen) if chosen else tr.gettext(N_("None of these"))
    if question.kind is QuestionKind.choice:
        return labels.get(str(answer), str(answer))
    if isinstance(answer, date):
        return answer.isoformat()
    return str(answer)
