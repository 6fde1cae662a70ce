"""Plans: outcomes with reasons, exclusive groups, levels, critical path, working-day dates, documents."""

from __future__ import annotations

from datetime import date

import pytest

from hetao.core.errors import ValidationFailed
from hetao.core.workdays import Calendar, mainland_calendar
from hetao.journeys import (
    DONT_KNOW,
    Outcome,
    ServiceFacts,
    TimeLimit,
    build_plan,
    check_field_value,
    parse_fields,
    parse_journey,
)
from tests.unit.journeys.factories import FIELDS, journey_data


@pytest.fixture(scope="module")
def demo():
    return parse_journey(journey_data(), source="demo.yaml", fields=parse_fields(FIELDS))


def fact(key, days, unit="working_day", documents=()):
    return ServiceFacts(
        key=key,
        names={"zh-Hant": f"{key}（繁）", "zh-Hans": f"{key}（简）", "en": key.title()},
        department="dept",
        time_limit=TimeLimit(days, unit) if days is not None else None,
        documents=tuple(documents),
        document_names={d: {"en": d.upper()} for d in documents},
    )


FACTS = {
    "register": fact("register", 2, documents=["form", "passport"]),
    "seal": fact("seal", 1, documents=["licence"]),
    "bank": fact("bank", 3, documents=["licence", "passport", "seal-print"]),
    "tax": fact("tax", 1, documents=["licence"]),
    "import": fact("import", 10, "calendar_day", documents=["form", "invoice"]),
    "relief-a": fact("relief-a", 5),
    "relief-b": fact("relief-b", None),
}
ANSWERS = {"hk": "yes", "form": "company", "goods": ("a",), "years": 2}
MONDAY = date(2026, 3, 2)


def test_steps_levels_and_dates(demo):
    plan = build_plan(demo, ANSWERS, FACTS, MONDAY)
    assert [s.key for s in plan.steps] == ["register", "relief-a", "seal", "import", "bank", "tax"]
    assert plan.levels == (("register", "relief-a"), ("seal", "import"), ("bank",), ("tax",))
    register, seal, imp = plan.step("register"), plan.step("seal"), plan.step("import")
    assert (register.start, register.finish) == (MONDAY, date(2026, 3, 4))
    assert (seal.start, seal.finish, seal.start_day, seal.finish_day) == (
        date(2026, 3, 4),
        date(2026, 3, 5),
        2,
        3,
    )
    # Calendar days count weekends: 4 March + 10 days = 14 March (a Saturday).
    assert imp.finish == date(2026, 3, 14) and imp.finish_day == 9
    assert plan.step("tax").finish == date(2026, 3, 11)


def test_critical_path_and_total(demo):
    plan = build_plan(demo, ANSWERS, FACTS, MONDAY)
    # The import (10 calendar days) ends later than the register → seal → bank → tax chain.
    assert plan.critical_path == ("register", "import")
    assert plan.finish == date(2026, 3, 14)
    assert plan.total_working_days == 9
    assert [s.key for s in plan.steps if s.critical] == ["register", "import"]
    longer_chain = {**FACTS, "bank": fact("bank", 8)}
    plan = build_plan(demo, ANSWERS, longer_chain, MONDAY)
    assert plan.critical_path == ("register", "seal", "bank", "tax")
    assert plan.total_working_days == 12 and plan.finish == date(2026, 3, 18)


def test_the_finish_date_moves_over_spring_festival_2026(demo):
    answers = {**ANSWERS, "goods": ()}
    plan = build_plan(demo, answers, FACTS, date(2026, 2, 11))  # a Wednesday
    # register: Thu 12, Fri 13 → seal: Sat 14 (補班) → bank: Tue 24, Wed 25, Thu 26 → tax: Fri 27.
    assert plan.step("register").finish == date(2026, 2, 13)
    assert plan.step("seal").finish == date(2026, 2, 14)
    assert plan.step("bank").finish == date(2026, 2, 26)
    assert plan.finish == date(2026, 2, 27)
    assert plan.total_working_days == 7
    assert not plan.approximate


def test_the_estimate_is_approximate_outside_the_calendar(demo):
    plan = build_plan(demo, ANSWERS, FACTS, date(2026, 12, 28))
    assert plan.approximate and plan.uncovered_years == (2027,)
    plan = build_plan(demo, ANSWERS, FACTS, date(2026, 12, 28), Calendar.from_sets(years=[2026, 2027]))
    assert not plan.approximate


def test_unknown_time_limits_make_the_estimate_approximate(demo):
    answers = {**ANSWERS, "goods": ("a", "b"), "years": 0}
    plan = build_plan(demo, answers, FACTS, MONDAY)
    assert plan.step("relief-b").outcome is Outcome.required
    assert plan.unknown_durations == ("relief-b",)
    assert plan.approximate


def test_documents_are_listed_once_with_the_steps_using_them(demo):
    plan = build_plan(demo, ANSWERS, FACTS, MONDAY)
    docs = {d.code: d.steps for d in plan.documents}
    assert [d.code for d in plan.documents] == ["form", "passport", "licence", "invoice", "seal-print"]
    assert docs["licence"] == ("seal", "bank", "tax")
    assert docs["form"] == ("register", "import")
    assert plan.documents[0].name("en") == "FORM"


def test_form_fields_are_asked_once(demo):
    plan = build_plan(demo, ANSWERS, FACTS, MONDAY)
    assert [(f.field.id, f.steps) for f in plan.fields] == [
        ("full_name", ("register", "bank")),
        ("phone", ("bank",)),
    ]


def test_prerequisites_pass_through_left_out_items(demo):
    # A sole proprietor needs no seal: the bank account then waits for the registration itself.
    plan = build_plan(demo, {**ANSWERS, "form": "sole"}, FACTS, MONDAY)
    assert "seal" in [e.key for e in plan.excluded]
    assert plan.step("bank").after == ("register",)


def test_exclusive_group_keeps_the_first_and_says_why(demo):
    plan = build_plan(demo, {**ANSWERS, "goods": ("b",)}, FACTS, MONDAY)
    assert plan.step("relief-a").outcome is Outcome.required
    excluded = {e.key: e for e in plan.excluded}
    text = excluded["relief-b"].reason.render("en")
    assert text == "Only one relief Only one of these can be used: this plan keeps Relief-A."
    assert (
        excluded["relief-b"].reason.render("zh-Hant")
        == "Only one relief（繁）只可以使用其中一項：這個計劃保留「relief-a（繁）」。"
    )


def test_dont_know_makes_a_step_optional_with_the_question_named(demo):
    plan = build_plan(demo, {**ANSWERS, "goods": DONT_KNOW}, FACTS, MONDAY)
    step = plan.step("import")
    assert step.outcome is Outcome.optional
    assert step.reason.unsure == ("goods",)
    assert "“Which goods?”" in step.reason.render("en")
    assert plan.unsure == ("goods",)
    assert [d.code for d in plan.documents if d.optional_only] == ["invoice"]


def test_headline_counts_required_steps_only(demo):
    plan = build_plan(demo, {**ANSWERS, "goods": DONT_KNOW}, FACTS, MONDAY)
    assert "import" not in plan.critical_path
    assert plan.finish == date(2026, 3, 11)


def test_exit_gives_an_empty_plan(demo):
    plan = build_plan(demo, {"hk": "no"}, FACTS, MONDAY)
    assert plan.exit.id == "not-hk" and plan.steps == () and plan.finish == MONDAY


def test_missing_answers_are_refused(demo):
    with pytest.raises(ValidationFailed) as caught:
        build_plan(demo, {"hk": "yes"}, FACTS, MONDAY)
    assert [p.path for p in caught.value.problems] == ["form", "goods", "years"]


def test_items_missing_from_the_catalogue_still_appear(demo):
    plan = build_plan(demo, ANSWERS, {}, MONDAY, mainland_calendar())
    assert plan.step("register").name("en") == "register"
    assert plan.documents == () and plan.approximate


def test_field_values_are_checked_against_the_registry():
    fields = parse_fields(FIELDS)
    assert check_field_value(fields["phone"], " +852 9123 4567 ") == "+852 9123 4567"
    with pytest.raises(ValidationFailed) as caught:
        check_field_value(fields["phone"], "call me")
    assert caught.value.problems[0].params["hint"].get("en") == "Digits only"
    with pytest.raises(ValidationFailed):
        check_field_value(fields["full_name"], "x" * 21)
    with pytest.raises(ValidationFailed):
        check_field_value(fields["full_name"], "")
