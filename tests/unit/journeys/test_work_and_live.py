"""work-and-live: answers → required / optional / excluded items, and the income-tax exclusive group."""

from __future__ import annotations

import pytest

from hetao.journeys import Outcome, build_plan, exit_for
from tests.unit.journeys.conftest import START, outcomes

SLUG = "work-and-live"

CASES = [
    pytest.param(
        {
            "identity": "hk_resident",
            "employed_in_park": "yes",
            "live_in_shenzhen": "yes",
            "regulated_profession": "no",
            "talent_recognised": "yes",
        },
        [
            "hk-resident-employment-registration",
            "temporary-accommodation-registration",
            "hk-resident-personal-rmb-account",
            "hk-resident-social-insurance-enrolment",
            "hk-macao-residence-permit-first-application",
            "hetao-hk-resident-iit-exemption",
        ],
        [
            "hk-resident-personal-effects-import",
            "hk-resident-housing-fund-account",
            "talent-housing-and-award-application",
        ],
        [
            "foreign-employee-work-residence-permit",
            "hk-professional-qualification-registration",
            "gba-iit-subsidy-overseas-talent",
        ],
        id="hk-resident-moving-here-recognised-talent",
    ),
    pytest.param(
        {
            "identity": "hk_resident",
            "employed_in_park": "dont_know",
            "live_in_shenzhen": "no",
            "regulated_profession": "dont_know",
            "talent_recognised": "no",
        },
        [],
        [
            "hk-resident-employment-registration",
            "hk-resident-personal-rmb-account",
            "hk-resident-social-insurance-enrolment",
            "hk-professional-qualification-registration",
            "hetao-hk-resident-iit-exemption",
            "hk-resident-housing-fund-account",
        ],
        [
            "foreign-employee-work-residence-permit",
            "temporary-accommodation-registration",
            "hk-macao-residence-permit-first-application",
            "hk-resident-personal-effects-import",
            "gba-iit-subsidy-overseas-talent",
            "talent-housing-and-award-application",
        ],
        id="commuter-unsure-whether-workplace-is-in-the-park",
    ),
    pytest.param(
        {
            "identity": "foreign_national",
            "employed_in_park": "yes",
            "live_in_shenzhen": "yes",
            "regulated_profession": "no",
            "talent_recognised": "yes",
        },
        [
            "foreign-employee-work-residence-permit",
            "temporary-accommodation-registration",
            "gba-iit-subsidy-overseas-talent",
        ],
        ["talent-housing-and-award-application"],
        [
            "hk-resident-employment-registration",
            "hk-resident-social-insurance-enrolment",
            "hk-resident-housing-fund-account",
            "hk-macao-residence-permit-first-application",
            "hk-resident-personal-effects-import",
            "hk-resident-personal-rmb-account",
            "hk-professional-qualification-registration",
            "hetao-hk-resident-iit-exemption",
        ],
        id="foreign-talent",
    ),
    pytest.param(
        {
            "identity": "hk_resident",
            "employed_in_park": "no",
            "live_in_shenzhen": "yes",
            "talent_recognised": "dont_know",
        },
        [
            "temporary-accommodation-registration",
            "hk-resident-personal-rmb-account",
            "hk-macao-residence-permit-first-application",
        ],
        [
            "hk-resident-personal-effects-import",
            "gba-iit-subsidy-overseas-talent",
            "talent-housing-and-award-application",
        ],
        [
            "hk-resident-employment-registration",
            "foreign-employee-work-residence-permit",
            "hk-resident-social-insurance-enrolment",
            "hk-resident-housing-fund-account",
            "hk-professional-qualification-registration",
            "hetao-hk-resident-iit-exemption",
        ],
        id="lives-here-works-elsewhere",
    ),
]


@pytest.mark.parametrize(("answers", "required", "optional", "excluded"), CASES)
def test_outcomes(journeys, facts, answers, required, optional, excluded):
    assert outcomes(journeys[SLUG], answers, facts) == (required, optional, excluded)


@pytest.mark.parametrize(
    ("answers", "exit_id"),
    [
        ({"identity": "mainland_resident"}, "mainland-resident"),
        (
            {"identity": "hk_resident", "employed_in_park": "no", "live_in_shenzhen": "no"},
            "neither-work-nor-live",
        ),
        ({"identity": "hk_resident", "employed_in_park": "dont_know", "live_in_shenzhen": "no"}, None),
    ],
)
def test_exits(journeys, answers, exit_id):
    found = exit_for(journeys[SLUG], answers)
    assert (found.id if found else None) == exit_id


def test_one_income_tax_relief_per_year_and_why(journeys, facts):
    answers = dict(CASES[0].values[0])
    plan = build_plan(journeys[SLUG], answers, facts, START)
    excluded = next(e for e in plan.excluded if e.key == "gba-iit-subsidy-overseas-talent")
    text = excluded.reason.render("en")
    assert "cannot both be claimed" in text
    assert "this plan keeps" in text and "income tax" in text.split("keeps", 1)[1].lower()
    assert "河套深圳園區香港居民個人所得稅" in excluded.reason.render("zh-Hant")


def test_unsure_talent_keeps_the_subsidy_as_a_check_beside_the_exemption(journeys, facts):
    answers = {
        "identity": "hk_resident",
        "employed_in_park": "yes",
        "live_in_shenzhen": "no",
        "regulated_profession": "no",
        "talent_recognised": "dont_know",
    }
    plan = build_plan(journeys[SLUG], answers, facts, START)
    assert plan.step("hetao-hk-resident-iit-exemption").outcome is Outcome.required
    subsidy = plan.step("gba-iit-subsidy-overseas-talent")
    assert subsidy.outcome is Outcome.optional
    assert subsidy.reason.unsure == ("talent_recognised",)
    assert "replaces" in subsidy.reason.render("en")
