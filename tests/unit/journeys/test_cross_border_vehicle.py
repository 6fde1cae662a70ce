"""cross-border-vehicle: Northbound Travel vs two-plate quota (an exclusive group), licence, insurance."""

from __future__ import annotations

import pytest

from hetao.journeys import Outcome, build_plan, exit_for
from tests.unit.journeys.conftest import START, outcomes

SLUG = "cross-border-vehicle"

CASES = [
    pytest.param(
        {"owner": "individual", "hk_permanent": "yes", "quota_conditions": "no", "mainland_licence": "no"},
        ["hk-driving-licence-exchange", "cross-border-insurance-consultation", "hk-vehicles-northbound-hzmb"],
        ["temporary-entry-vehicle-and-driving-permit"],
        ["gd-hk-cross-boundary-vehicle-plates", "cross-boundary-vehicle-customs-filing"],
        id="northbound-travel",
    ),
    pytest.param(
        {"owner": "individual", "hk_permanent": "yes", "quota_conditions": "yes", "mainland_licence": "yes"},
        [
            "gd-hk-cross-boundary-vehicle-plates",
            "cross-border-insurance-consultation",
            "cross-boundary-vehicle-customs-filing",
        ],
        [],
        [
            "hk-driving-licence-exchange",
            "hk-vehicles-northbound-hzmb",
            "temporary-entry-vehicle-and-driving-permit",
        ],
        id="both-fit-two-plates-kept",
    ),
    pytest.param(
        {"owner": "company", "quota_conditions": "yes", "mainland_licence": "dont_know"},
        [
            "cross-border-insurance-consultation",
            "gd-hk-cross-boundary-vehicle-plates",
            "cross-boundary-vehicle-customs-filing",
        ],
        ["hk-driving-licence-exchange"],
        ["hk-vehicles-northbound-hzmb", "temporary-entry-vehicle-and-driving-permit"],
        id="company-car-unsure-about-licence",
    ),
    pytest.param(
        {
            "owner": "individual",
            "hk_permanent": "yes",
            "quota_conditions": "dont_know",
            "mainland_licence": "yes",
        },
        ["hk-vehicles-northbound-hzmb", "cross-border-insurance-consultation"],
        ["gd-hk-cross-boundary-vehicle-plates", "cross-boundary-vehicle-customs-filing"],
        ["hk-driving-licence-exchange", "temporary-entry-vehicle-and-driving-permit"],
        id="unsure-about-quota-keeps-two-plates-as-a-check",
    ),
]


@pytest.mark.parametrize(("answers", "required", "optional", "excluded"), CASES)
def test_outcomes(journeys, facts, answers, required, optional, excluded):
    assert outcomes(journeys[SLUG], answers, facts) == (required, optional, excluded)


@pytest.mark.parametrize(
    ("answers", "exit_id"),
    [
        ({"owner": "company", "quota_conditions": "no"}, "no-scheme-fits"),
        ({"owner": "individual", "hk_permanent": "no", "quota_conditions": "no"}, "no-scheme-fits"),
        ({"owner": "individual", "hk_permanent": "no", "quota_conditions": "dont_know"}, None),
        ({"owner": "individual", "hk_permanent": "yes", "quota_conditions": "no"}, None),
    ],
)
def test_exits(journeys, answers, exit_id):
    found = exit_for(journeys[SLUG], answers)
    assert (found.id if found else None) == exit_id


def test_the_plan_says_why_northbound_is_left_out(journeys, facts):
    plan = build_plan(journeys[SLUG], dict(CASES[1].values[0]), facts, START)
    left_out = next(e for e in plan.excluded if e.key == "hk-vehicles-northbound-hzmb")
    assert "only one cross-boundary scheme" in left_out.reason.render("en")
    assert "粵港兩地車牌" in left_out.reason.render("zh-Hant")
    assert "粤港两地车牌" in left_out.reason.render("zh-Hans")


def test_unsure_quota_is_a_check_not_a_refusal(journeys, facts):
    plan = build_plan(journeys[SLUG], dict(CASES[3].values[0]), facts, START)
    plates = plan.step("gd-hk-cross-boundary-vehicle-plates")
    assert plates.outcome is Outcome.optional
    assert plan.unsure == ("quota_conditions",)
