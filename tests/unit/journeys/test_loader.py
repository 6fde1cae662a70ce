"""Loading journeys: the shipped data are valid, and bad data are refused naming file and path."""

from __future__ import annotations

import copy

import pytest
import yaml

from hetao.core.errors import NotFound
from hetao.journeys import (
    JourneyDataInvalid,
    QuestionKind,
    get_journey,
    load_journeys,
    parse_fields,
    parse_journey,
)
from tests.unit.journeys.factories import FIELDS, journey_data, t

SHIPPED = {
    "company-setup",
    "work-and-live",
    "research-import",
    "cross-border-vehicle",
    "first-employees",
    "startup-support",
}


def parse(data, catalog_keys=None):
    return parse_journey(data, source="demo.yaml", fields=parse_fields(FIELDS), catalog_keys=catalog_keys)


def problems_of(data, catalog_keys=None) -> list[tuple[str, str]]:
    with pytest.raises(JourneyDataInvalid) as caught:
        parse(data, catalog_keys)
    return [(p.path, p.message) for p in caught.value.problems]


def test_the_shipped_journeys_are_valid_against_the_sample_catalogue(journeys):
    assert list(journeys) == [
        "company-setup",
        "work-and-live",
        "research-import",
        "cross-border-vehicle",
        "first-employees",
        "startup-support",
    ]


@pytest.mark.parametrize("slug", sorted(SHIPPED))
def test_each_shipped_journey_has_what_the_brief_asks(journeys, slug):
    journey = journeys[slug]
    assert 3 <= len(journey.questions) <= 7
    assert journey.exits, "at least one early exit"
    # At least one rule reacts to "don't know": a yes/no question or a question allowing it is read by an item.
    read = set().union(
        *(
            i.include_when.questions() | i.optional_when.questions() | i.exclude_when.questions()
            for i in journey.items
        )
    )
    assert any(q.allows_dont_know and q.id in read for q in journey.questions)
    for q in journey.questions:
        if q.kind is QuestionKind.yes_no:
            assert q.allows_dont_know


def test_get_journey_and_not_found():
    assert get_journey("company-setup").slug == "company-setup"
    with pytest.raises(NotFound):
        get_journey("no-such-journey")


def test_a_valid_demo_parses():
    journey = parse(journey_data())
    assert [q.id for q in journey.questions] == ["hk", "form", "goods", "years"]
    assert set(journey.fields) == {"full_name", "phone"}


def test_unknown_item_keys_against_the_catalogue():
    keys = {"register", "seal", "bank", "tax", "import", "relief-a"}
    assert problems_of(journey_data(), catalog_keys=keys) == [
        ("demo.yaml:items[relief-b].key", "No service item of the catalogue is called %(key)s.")
    ]


def test_unknown_question_in_a_condition_names_the_rule_path():
    data = journey_data()
    data["items"][1]["include_when"] = {"all": [{"q": "hk", "eq": "yes"}, {"q": "shape", "eq": "x"}]}
    assert problems_of(data) == [
        ("demo.yaml:items[seal].include_when.all[1].q", "Unknown question %(question)s.")
    ]


def test_ask_when_may_only_read_earlier_questions():
    data = journey_data()
    data["questions"][1]["ask_when"] = {"q": "years", "ge": 1}
    assert problems_of(data) == [
        (
            "demo.yaml:questions[form].ask_when",
            "ask_when may only read questions asked before this one, not %(questions)s.",
        )
    ]


def test_cycles_in_prerequisites():
    data = journey_data()
    data["items"][0]["after"] = ["tax"]
    found = problems_of(data)
    assert found == [("demo.yaml:items", "The prerequisites go round in a circle: %(cycle)s.")]
    with pytest.raises(JourneyDataInvalid) as caught:
        parse(data)
    assert caught.value.problems[0].params["cycle"] == "register → tax → bank → seal → register"


def test_unknown_prerequisite_group_and_field():
    data = journey_data()
    data["items"][1]["after"] = ["registr"]
    data["items"][2]["exclusive_group"] = "reliefs"
    data["items"][3]["fields"] = ["hkid"]
    assert problems_of(data) == [
        ("demo.yaml:items[bank].exclusive_group", "Unknown exclusive group %(group)s."),
        ("demo.yaml:items[tax].fields", "Unknown form field %(field)s."),
        ("demo.yaml:items[seal].after", "Unknown item %(key)s."),
    ]


def test_missing_translations_are_named():
    data = journey_data()
    del data["title"]["zh-Hans"]
    data["items"][0]["because"]["excluded"]["en"] = " "
    found = problems_of(data)
    assert found == [
        ("demo.yaml:title", "The translation is missing for %(locales)s."),
        ("demo.yaml:items[register].because.excluded", "The translation is missing for %(locales)s."),
    ]


def test_optional_when_needs_its_explanation():
    data = journey_data()
    data["items"][4]["optional_when"] = True
    assert problems_of(data) == [
        ("demo.yaml:items[import].because.optional", "This text is required in every language.")
    ]


def test_typos_in_member_names_are_caught():
    data = journey_data()
    data["items"][0]["include-when"] = True
    data["questions"][0]["hnt"] = t("x")
    found = problems_of(data)
    assert ("demo.yaml:questions[hk]", "Unknown member %(name)s.") in found
    assert ("demo.yaml:items[register]", "Unknown member %(name)s.") in found


def test_bad_question_shapes():
    data = journey_data()
    data["questions"][1]["options"] = [{"id": "company", "label": t("Company")}]
    data["questions"][3]["min"] = "zero"
    data["questions"].append(copy.deepcopy(data["questions"][0]))
    found = problems_of(data)
    assert ("demo.yaml:questions[form].options", "Give at least two options.") in found
    assert (
        "demo.yaml:questions[years].min",
        "Bounds are for number and date questions, of their type.",
    ) in found
    assert ("demo.yaml:questions[hk].id", "The id %(id)s is used twice.") in found


def test_yes_and_no_must_be_quoted_in_yaml():
    # Unquoted yes is the boolean true in YAML 1.1: the checker refuses it rather than guessing.
    data = yaml.safe_load("q: hk\neq: yes\n")
    journey = journey_data()
    journey["items"][0]["include_when"] = data
    assert problems_of(journey) == [
        (
            "demo.yaml:items[register].include_when.eq",
            "%(value)s is not an option of the question %(question)s.",
        )
    ]


def test_load_journeys_reports_every_file(tmp_path):
    (tmp_path / "fields.yaml").write_text(yaml.safe_dump(FIELDS, allow_unicode=True), encoding="utf-8")
    good = journey_data()
    (tmp_path / "demo.yaml").write_text(yaml.safe_dump(good, allow_unicode=True), encoding="utf-8")
    bad = journey_data(slug="bad")
    bad["items"][0]["after"] = ["nothing"]
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")
    misnamed = journey_data(slug="other")
    (tmp_path / "misnamed.yaml").write_text(yaml.safe_dump(misnamed, allow_unicode=True), encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("slug: [", encoding="utf-8")
    with pytest.raises(JourneyDataInvalid) as caught:
        load_journeys(tmp_path)
    paths = [p.path for p in caught.value.problems]
    assert paths == ["bad.yaml:items[register].after", "broken.yaml", "misnamed.yaml:slug"]
    for name in ("bad.yaml", "broken.yaml", "misnamed.yaml"):
        (tmp_path / name).unlink()
    assert list(load_journeys(tmp_path)) == ["demo"]


def test_field_registry_checks():
    with pytest.raises(JourneyDataInvalid) as caught:
        parse_fields([{"id": "x", "kind": "colour", "pattern": "(", "label": t("X")}])
    assert [(p.path, p.message) for p in caught.value.problems] == [
        ("fields.yaml:[x].kind", "Unknown kind %(kind)s."),
        ("fields.yaml:[x].pattern", "This is not a valid regular expression."),
    ]
    assert "fields.yaml:[x].kind" in str(caught.value)
