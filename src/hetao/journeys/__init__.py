"""一件事一次辦: life and business events as journeys of questions, rules as data, personal plans.

A web or API adapter uses it like this::

    journey = get_journey("company-setup")
    question = next_question(journey, answers)            # None when done or exited
    answers[question.id] = parse_answer(question, form)   # ValidationFailed with Problems
    answers = prune(journey, answers)                      # after changing an earlier answer
    if (way_out := exit_for(journey, answers)) is not None: ...
    plan = build_plan(journey, answers, journey_facts(session, journey), start=date.today())

Rules, the "don't know" logic and the plan's scheduling are documented in ``rules``, ``model.Item``
and ``plan``; docs/adr/0005-journey-rules-as-data.md records the decisions."""

from hetao.journeys.catalog_facts import (
    check_against_catalog,
    journey_facts,
    load_service_facts,
    service_facts,
)
from hetao.journeys.fields import check_field_value
from hetao.journeys.flow import (
    answer_label,
    answer_to_form_values,
    check_answers,
    exit_for,
    is_complete,
    next_question,
    parse_answer,
    prune,
    questions_to_ask,
)
from hetao.journeys.loader import (
    JourneyDataInvalid,
    get_journey,
    list_journeys,
    load_fields,
    load_journeys,
    parse_fields,
    parse_journey,
)
from hetao.journeys.model import (
    Because,
    ExclusiveGroup,
    Exit,
    FieldSpec,
    Item,
    Journey,
    Note,
    Option,
    Question,
    QuestionKind,
    Reason,
    Text,
)
from hetao.journeys.plan import (
    CALENDAR_DAY,
    WORKING_DAY,
    Decision,
    DocumentNeed,
    Excluded,
    FieldNeed,
    Outcome,
    Plan,
    ServiceFacts,
    Step,
    TimeLimit,
    build_plan,
    decide,
    decide_items,
)
from hetao.journeys.revisions import JourneyRevision, history, refresh, reset_cache, save_revision, source_of
from hetao.journeys.rules import (
    DONT_KNOW,
    NO,
    YES,
    Answer,
    Answers,
    Condition,
    QuestionShape,
    Truth,
    Verdict,
    evaluate,
    parse_condition,
)

__all__ = [
    "JourneyRevision",
    "history",
    "refresh",
    "reset_cache",
    "save_revision",
    "source_of",
    "CALENDAR_DAY",
    "DONT_KNOW",
    "NO",
    "WORKING_DAY",
    "YES",
    "Answer",
    "Answers",
    "Because",
    "Condition",
    "Decision",
    "DocumentNeed",
    "Excluded",
    "ExclusiveGroup",
    "Exit",
    "FieldNeed",
    "FieldSpec",
    "Item",
    "Journey",
    "JourneyDataInvalid",
    "Note",
    "Option",
    "Outcome",
    "Plan",
    "Question",
    "QuestionKind",
    "QuestionShape",
    "Reason",
    "ServiceFacts",
    "Step",
    "Text",
    "TimeLimit",
    "Truth",
    "Verdict",
    "answer_label",
    "answer_to_form_values",
    "build_plan",
    "check_against_catalog",
    "check_answers",
    "check_field_value",
    "decide",
    "decide_items",
    "evaluate",
    "exit_for",
    "get_journey",
    "is_complete",
    "journey_facts",
    "list_journeys",
    "load_fields",
    "load_journeys",
    "load_service_facts",
    "next_question",
    "parse_answer",
    "parse_condition",
    "parse_fields",
    "parse_journey",
    "prune",
    "questions_to_ask",
    "service_facts",
]
