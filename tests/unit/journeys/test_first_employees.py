"""first-employees: answers → required / optional / excluded items, in plan order."""

from __future__ import annotations

import pytest

from hetao.journeys import build_plan, exit_for, next_question
from tests.unit.journeys.conftest import START, outcomes

SLUG = "first-employees"
HK_STEPS = [
    "hk-resident-employment-registration",
    "hk-resident-social-insurance-enrolment",
    "hk-resident-housing-fund-account",
]

CASES = [
    pytest.param(
        {
            "employer_registered": "yes",
            "employee_origin": ("hong_kong", "foreign"),
            "foreign_high_end": "dont_know",
            "has_contract_template": "no",
        },
        [
            "employment-contract-legal-review",
            "hk-resident-employment-registration",
            "foreign-employee-work-residence-permit",
            "hk-resident-social-insurance-enrolment",
        ],
        ["foreign-talent-r-visa", "company-legal-health-check", "hk-resident-housing-fund-account"],
        [],
        id="hong-kong-and-foreign-staff",
    ),
    pytest.param(
        {
            "employer_registered": "yes",
            "employee_origin": ("mainland",),
            "has_contract_template": "dont_know",
        },
        [],
        ["employment-contract-legal-review", "company-legal-health-check"],
        [*HK_STEPS, "foreign-employee-work-residence-permit", "foreign-talent-r-visa"],
        id="mainland-staff-unsure-about-contract",
    ),
    pytest.param(
        {"employer_registered": "yes", "employee_origin": ("hong_kong",), "has_contract_template": "yes"},
        HK_STEPS[:2],
        ["company-legal-health-check", "hk-resident-housing-fund-account"],
        [
            "employment-contract-legal-review",
            "foreign-employee-work-residence-permit",
            "foreign-talent-r-visa",
        ],
        id="hong-kong-staff-with-contract",
    ),
    pytest.param(
        {
            "employer_registered": "yes",
            "employee_origin": ("foreign",),
            "foreign_high_end": "yes",
            "has_contract_template": "yes",
        },
        ["foreign-employee-work-residence-permit"],
        ["foreign-talent-r-visa", "company-legal-health-check"],
        ["employment-contract-legal-review", *HK_STEPS],
        id="foreign-high-end-talent",
    ),
]


@pytest.mark.parametrize(("answers", "required", "optional", "excluded"), CASES)
def test_outcomes(journeys, facts, answers, required, optional, excluded):
    assert outcomes(journeys[SLUG], answers, facts) == (required, optional, excluded)


def test_unregistered_employer_exits_before_more_questions(journeys):
    journey = journeys[SLUG]
    answers = {"employer_registered": "no"}
    assert exit_for(journey, answers).id == "employer-not-registered"
    assert next_question(journey, answers) is None


def test_contract_review_comes_before_registrations(journeys, facts):
    plan = build_plan(journeys[SLUG], dict(CASES[0].values[0]), facts, START)
    assert plan.levels[0] == ("employment-contract-legal-review", "foreign-talent-r-visa")
    assert plan.step("hk-resident-employment-registration").after == ("employment-contract-legal-review",)
