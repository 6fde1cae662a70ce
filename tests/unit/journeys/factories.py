"""A small valid journey as data, to change one thing at a time in tests."""

from __future__ import annotations

import copy


def t(text: str) -> dict[str, str]:
    return {"zh-Hant": f"{text}（繁）", "zh-Hans": f"{text}（简）", "en": text}


def because(what: str) -> dict:
    return {"required": t(f"{what} needed"), "excluded": t(f"{what} not needed")}


BASE = {
    "slug": "demo",
    "title": t("Demo"),
    "summary": t("A demo journey"),
    "intro": t("Answer a few questions"),
    "questions": [
        {"id": "hk", "kind": "yes_no", "text": t("Hong Kong resident?")},
        {
            "id": "form",
            "kind": "choice",
            "text": t("Which form?"),
            "ask_when": {"q": "hk", "eq": "yes"},
            "options": [{"id": "company", "label": t("Company")}, {"id": "sole", "label": t("Sole")}],
        },
        {
            "id": "goods",
            "kind": "multi",
            "text": t("Which goods?"),
            "dont_know": True,
            "options": [{"id": "a", "label": t("A")}, {"id": "b", "label": t("B")}],
        },
        {"id": "years", "kind": "number", "text": t("Years?"), "min": 0, "max": 50},
    ],
    "exits": [{"id": "not-hk", "when": {"q": "hk", "eq": "no"}, "reason": t("Only for Hong Kong")}],
    "exclusive_groups": [{"id": "relief", "because": t("Only one relief")}],
    "items": [
        {"key": "register", "include_when": True, "because": because("register"), "fields": ["full_name"]},
        {
            "key": "seal",
            "include_when": {"q": "form", "eq": "company"},
            "after": ["register"],
            "because": because("seal"),
        },
        {
            "key": "bank",
            "include_when": True,
            "after": ["seal"],
            "because": because("bank"),
            "fields": ["full_name", "phone"],
        },
        {"key": "tax", "include_when": True, "after": ["bank"], "because": because("tax")},
        {
            "key": "import",
            "include_when": {"q": "goods", "contains": "a"},
            "after": ["register"],
            "because": because("import"),
        },
        {
            "key": "relief-a",
            "include_when": {"q": "years", "ge": 1},
            "exclusive_group": "relief",
            "because": because("relief a"),
        },
        {
            "key": "relief-b",
            "include_when": {"q": "goods", "contains": "b"},
            "exclusive_group": "relief",
            "because": because("relief b"),
        },
    ],
}

FIELDS = [
    {"id": "full_name", "kind": "text", "max_length": 20, "label": t("Name")},
    {
        "id": "phone",
        "kind": "tel",
        "pattern": r"\+?[0-9 ]{8,20}",
        "label": t("Phone"),
        "invalid": t("Digits only"),
    },
]


def journey_data(**changes) -> dict:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data
