"""Journey plans read their facts from the stored catalogue through its public API."""

from __future__ import annotations

from datetime import date

from hetao.journeys import (
    TimeLimit,
    build_plan,
    check_against_catalog,
    get_journey,
    journey_facts,
    list_journeys,
    load_service_facts,
)


def test_facts_of_a_stored_item(session):
    facts = load_service_facts(session, ["hk-invested-company-registration", "no-such-item"])
    assert set(facts) == {"hk-invested-company-registration"}
    registration = facts["hk-invested-company-registration"]
    assert registration.time_limit == TimeLimit(1, "working_day")
    assert registration.department == "futian-amr"
    assert registration.names["zh-Hans"] == "港资企业（外商投资企业）设立登记"
    assert registration.documents[:2] == ("application-form", "attested-investor-documents")
    assert registration.document_names["hk-macao-travel-permit"]["zh-Hant"] == "港澳居民來往內地通行證"


def test_every_shipped_journey_item_is_in_the_stored_catalogue(session):
    assert check_against_catalog(session, list_journeys()) == []


def test_a_plan_from_the_stored_catalogue(session):
    journey = get_journey("company-setup")
    answers = {
        "investor": "hk_company",
        "capital_from_abroad": "no",
        "vat_general": "no",
        "trades_goods": "no",
    }
    plan = build_plan(journey, answers, journey_facts(session, journey), date(2026, 3, 2))
    assert plan.step("hk-invested-company-registration").name("en").startswith("Registration")
    codes = [d.code for d in plan.documents]
    assert len(codes) == len(set(codes)) and "business-licence" in codes
