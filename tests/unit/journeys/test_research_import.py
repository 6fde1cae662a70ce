"""research-import: answers → required / optional / excluded items, in plan order."""

from __future__ import annotations

import pytest

from hetao.journeys import build_plan, exit_for, questions_to_ask
from tests.unit.journeys.conftest import START, outcomes

SLUG = "research-import"

CASES = [
    pytest.param(
        {
            "has_mainland_entity": "yes",
            "customs_filed": "no",
            "goods": ("instruments", "biological"),
            "returns_to_hk": "stays",
            "duty_free_eligible": "yes",
        },
        [
            "customs-declarant-filing",
            "special-items-health-quarantine-approval",
            "research-goods-duty-free-import",
        ],
        [
            "customs-declarant-staff-filing",
            "customs-advance-ruling-classification",
            "hetao-research-goods-whitelist-facilitation",
        ],
        ["laboratory-animal-import-quarantine", "research-goods-temporary-admission"],
        id="instruments-to-keep-and-cells",
    ),
    pytest.param(
        {
            "has_mainland_entity": "yes",
            "customs_filed": "yes",
            "goods": ("instruments",),
            "returns_to_hk": "returns",
        },
        ["research-goods-temporary-admission"],
        [
            "customs-declarant-staff-filing",
            "customs-advance-ruling-classification",
            "hetao-research-goods-whitelist-facilitation",
        ],
        [
            "customs-declarant-filing",
            "special-items-health-quarantine-approval",
            "laboratory-animal-import-quarantine",
            "research-goods-duty-free-import",
        ],
        id="already-filed-instrument-goes-back",
    ),
    pytest.param(
        {"has_mainland_entity": "yes", "customs_filed": "no", "goods": ("consumables", "animals")},
        ["customs-declarant-filing", "laboratory-animal-import-quarantine"],
        ["customs-declarant-staff-filing", "hetao-research-goods-whitelist-facilitation"],
        [
            "special-items-health-quarantine-approval",
            "customs-advance-ruling-classification",
            "research-goods-temporary-admission",
            "research-goods-duty-free-import",
        ],
        id="reagents-and-animals",
    ),
    pytest.param(
        {
            "has_mainland_entity": "yes",
            "customs_filed": "dont_know",
            "goods": "dont_know",
            "returns_to_hk": "dont_know",
            "duty_free_eligible": "dont_know",
        },
        [],
        [
            "customs-declarant-filing",
            "special-items-health-quarantine-approval",
            "laboratory-animal-import-quarantine",
            "customs-declarant-staff-filing",
            "customs-advance-ruling-classification",
            "research-goods-temporary-admission",
            "research-goods-duty-free-import",
            "hetao-research-goods-whitelist-facilitation",
        ],
        [],
        id="unsure-about-everything-nothing-is-dropped",
    ),
]


@pytest.mark.parametrize(("answers", "required", "optional", "excluded"), CASES)
def test_outcomes(journeys, facts, answers, required, optional, excluded):
    assert outcomes(journeys[SLUG], answers, facts) == (required, optional, excluded)


def test_no_mainland_consignee_exits(journeys):
    assert exit_for(journeys[SLUG], {"has_mainland_entity": "no"}).id == "no-mainland-consignee"


def test_return_question_only_for_instruments(journeys):
    journey = journeys[SLUG]
    base = {"has_mainland_entity": "yes", "customs_filed": "no"}
    ids = [q.id for q in questions_to_ask(journey, {**base, "goods": ("consumables",)})]
    assert ids == ["has_mainland_entity", "customs_filed", "goods"]
    ids = [
        q.id for q in questions_to_ask(journey, {**base, "goods": ("instruments",), "returns_to_hk": "stays"})
    ]
    assert ids[-2:] == ["returns_to_hk", "duty_free_eligible"]


def test_the_unknown_animal_step_names_the_question(journeys, facts):
    answers = dict(CASES[3].values[0])
    step = build_plan(journeys[SLUG], answers, facts, START).step("laboratory-animal-import-quarantine")
    assert step.reason.unsure == ("goods",)
    assert "What will you bring in?" in step.reason.render("en")
    assert "要進口哪些物品" in step.reason.render("zh-Hant")
