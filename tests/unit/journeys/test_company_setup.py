"""company-setup: answers → required / optional / excluded items, in plan order."""

from __future__ import annotations

import pytest

from hetao.journeys import build_plan, exit_for
from tests.unit.journeys.conftest import START, outcomes

SLUG = "company-setup"
COMPANY_CORE = [
    "company-name-self-declaration",
    "hk-invested-company-registration",
    "company-seal-engraving-filing",
]

CASES = [
    pytest.param(
        {"investor": "hk_company", "capital_from_abroad": "yes", "vat_general": "no", "trades_goods": "no"},
        [
            "hk-document-attestation-guidance",
            *COMPANY_CORE,
            "fdi-foreign-exchange-registration",
            "hk-invested-company-basic-account",
            "fie-capital-account-settlement",
            "new-company-tax-info-confirmation",
            "digital-e-invoice-activation",
        ],
        ["electronic-business-licence"],
        [
            "hk-resident-sole-proprietor-registration",
            "vat-general-taxpayer-registration",
            "customs-declarant-filing",
        ],
        id="hk-company-with-capital-from-abroad",
    ),
    pytest.param(
        {
            "investor": "hk_resident",
            "business_form": "company",
            "capital_from_abroad": "no",
            "vat_general": "yes",
            "trades_goods": "yes",
        },
        [
            *COMPANY_CORE,
            "customs-declarant-filing",
            "hk-invested-company-basic-account",
            "new-company-tax-info-confirmation",
            "digital-e-invoice-activation",
            "vat-general-taxpayer-registration",
        ],
        ["electronic-business-licence"],
        [
            "hk-document-attestation-guidance",
            "hk-resident-sole-proprietor-registration",
            "fdi-foreign-exchange-registration",
            "fie-capital-account-settlement",
        ],
        id="hk-resident-company-trading-goods",
    ),
    pytest.param(
        {
            "investor": "hk_resident",
            "business_form": "sole_proprietor",
            "vat_general": "dont_know",
            "trades_goods": "yes",
        },
        [
            "hk-resident-sole-proprietor-registration",
            "new-company-tax-info-confirmation",
            "customs-declarant-filing",
            "digital-e-invoice-activation",
        ],
        ["vat-general-taxpayer-registration"],
        [
            "hk-document-attestation-guidance",
            *COMPANY_CORE[:2],
            "company-seal-engraving-filing",
            "hk-invested-company-basic-account",
            "fdi-foreign-exchange-registration",
            "fie-capital-account-settlement",
            "electronic-business-licence",
        ],
        id="sole-proprietor-unsure-about-vat",
    ),
    pytest.param(
        {
            "investor": "hk_company",
            "capital_from_abroad": "dont_know",
            "vat_general": "no",
            "trades_goods": "no",
        },
        [
            "hk-document-attestation-guidance",
            *COMPANY_CORE,
            "hk-invested-company-basic-account",
            "new-company-tax-info-confirmation",
            "digital-e-invoice-activation",
        ],
        [
            "fdi-foreign-exchange-registration",
            "electronic-business-licence",
            "fie-capital-account-settlement",
        ],
        [
            "hk-resident-sole-proprietor-registration",
            "vat-general-taxpayer-registration",
            "customs-declarant-filing",
        ],
        id="unsure-where-capital-comes-from",
    ),
]


@pytest.mark.parametrize(("answers", "required", "optional", "excluded"), CASES)
def test_outcomes(journeys, facts, answers, required, optional, excluded):
    assert outcomes(journeys[SLUG], answers, facts) == (required, optional, excluded)


def test_mainland_investors_exit_at_once(journeys, facts):
    journey = journeys[SLUG]
    assert exit_for(journey, {"investor": "mainland"}).id == "mainland-investor"
    assert build_plan(journey, {"investor": "mainland"}, facts, START).steps == ()


def test_registration_then_bank_account_then_tax(journeys, facts):
    answers = {
        "investor": "hk_company",
        "capital_from_abroad": "no",
        "vat_general": "no",
        "trades_goods": "no",
    }
    plan = build_plan(journeys[SLUG], answers, facts, START)
    order = [s.key for s in plan.steps]
    assert (
        order.index("hk-invested-company-registration")
        < order.index("hk-invested-company-basic-account")
        < order.index("new-company-tax-info-confirmation")
    )
    assert plan.step("new-company-tax-info-confirmation").after == ("hk-invested-company-basic-account",)
