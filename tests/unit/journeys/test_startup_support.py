"""startup-support: answers → required / optional / excluded items, a number rule and exits."""

from __future__ import annotations

import pytest

from hetao.journeys import build_plan, exit_for, questions_to_ask
from tests.unit.journeys.conftest import START, outcomes

SLUG = "startup-support"
ALL_SUPPORT = ("incubation", "subsidy", "loan", "high_tech", "investors")

CASES = [
    pytest.param(
        {
            "company_registered": "yes",
            "hk_youth_founder": "yes",
            "support": ALL_SUPPORT,
            "has_ip": "yes",
            "years_registered": 2,
            "rents_in_park": "yes",
        },
        [
            "hk-youth-incubator-admission",
            "roadshow-matchmaking-registration",
            "hk-youth-startup-subsidy",
            "hetao-office-rent-subsidy",
            "tech-sme-evaluation",
            "technology-enterprise-loan",
            "high-tech-enterprise-recognition",
            "hnte-cit-preferential-rate",
        ],
        ["shenzhen-hk-innovation-competition-entry", "rd-expense-super-deduction", "ip-pledge-financing"],
        [],
        id="everything",
    ),
    pytest.param(
        {"company_registered": "no", "hk_youth_founder": "yes", "support": ("incubation", "investors")},
        ["hk-youth-incubator-admission", "roadshow-matchmaking-registration"],
        ["shenzhen-hk-innovation-competition-entry"],
        [
            "hk-youth-startup-subsidy",
            "hetao-office-rent-subsidy",
            "tech-sme-evaluation",
            "technology-enterprise-loan",
            "ip-pledge-financing",
            "high-tech-enterprise-recognition",
            "hnte-cit-preferential-rate",
            "rd-expense-super-deduction",
        ],
        id="hong-kong-founder-before-registering",
    ),
    pytest.param(
        {
            "company_registered": "yes",
            "hk_youth_founder": "no",
            "support": ("high_tech",),
            "has_ip": "yes",
            "years_registered": 0.5,
        },
        ["tech-sme-evaluation"],
        ["rd-expense-super-deduction"],
        [
            "hk-youth-incubator-admission",
            "shenzhen-hk-innovation-competition-entry",
            "roadshow-matchmaking-registration",
            "hk-youth-startup-subsidy",
            "hetao-office-rent-subsidy",
            "technology-enterprise-loan",
            "ip-pledge-financing",
            "high-tech-enterprise-recognition",
            "hnte-cit-preferential-rate",
        ],
        id="too-young-for-high-tech",
    ),
    pytest.param(
        {
            "company_registered": "yes",
            "hk_youth_founder": "dont_know",
            "support": ("loan", "high_tech"),
            "has_ip": "dont_know",
            "years_registered": 3,
        },
        ["tech-sme-evaluation", "technology-enterprise-loan"],
        [
            "rd-expense-super-deduction",
            "ip-pledge-financing",
            "high-tech-enterprise-recognition",
            "hnte-cit-preferential-rate",
        ],
        [
            "hk-youth-incubator-admission",
            "shenzhen-hk-innovation-competition-entry",
            "roadshow-matchmaking-registration",
            "hk-youth-startup-subsidy",
            "hetao-office-rent-subsidy",
        ],
        id="unsure-about-ip",
    ),
]


@pytest.mark.parametrize(("answers", "required", "optional", "excluded"), CASES)
def test_outcomes(journeys, facts, answers, required, optional, excluded):
    assert outcomes(journeys[SLUG], answers, facts) == (required, optional, excluded)


def test_no_company_and_no_hong_kong_founder_exits(journeys):
    found = exit_for(journeys[SLUG], {"company_registered": "no", "hk_youth_founder": "no"})
    assert found.id == "no-company-no-hk-founder"


def test_years_are_asked_only_of_registered_companies_seeking_recognition(journeys):
    journey = journeys[SLUG]
    asked = [
        q.id
        for q in questions_to_ask(
            journey, {"company_registered": "no", "hk_youth_founder": "yes", "support": ("high_tech",)}
        )
    ]
    assert "years_registered" not in asked and "has_ip" in asked
    asked = [
        q.id
        for q in questions_to_ask(
            journey, {"company_registered": "yes", "hk_youth_founder": "no", "support": ("high_tech",)}
        )
    ]
    assert "years_registered" in asked


def test_the_tax_rate_waits_for_recognition(journeys, facts):
    plan = build_plan(journeys[SLUG], dict(CASES[0].values[0]), facts, START)
    assert plan.step("hnte-cit-preferential-rate").after == ("high-tech-enterprise-recognition",)
    assert plan.step("high-tech-enterprise-recognition").after == ("tech-sme-evaluation",)
