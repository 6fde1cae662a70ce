"""Translated labels of enumerations shown on pages (whole words, from the gettext catalogs)."""

from __future__ import annotations

from hetao.core.i18n import Translator


def org_kind_labels(t: Translator) -> dict[str, str]:
    return {
        "department": t.gettext("Government department"),
        "enterprise": t.gettext("Company"),
        "university_institute": t.gettext("University institute"),
        "incubator": t.gettext("Incubator"),
        "research_platform": t.gettext("Research platform"),
        "service_centre": t.gettext("Service centre"),
        "other": t.gettext("Other organisation"),
    }


def place_kind_labels(t: Translator) -> dict[str, str]:
    return {
        "science_base": t.gettext("Science base"),
        "building": t.gettext("Building"),
        "port": t.gettext("Border crossing"),
        "service_centre": t.gettext("Service centre"),
        "river_crossing": t.gettext("Park on the Hong Kong side"),
    }


def tag_labels(t: Translator) -> dict[str, str]:
    return {
        "ai": t.gettext("Artificial intelligence"),
        "biomedicine": t.gettext("Biomedicine"),
        "chips": t.gettext("Chips and integrated circuits"),
        "robotics": t.gettext("Robotics"),
        "quantum": t.gettext("Quantum science"),
        "materials": t.gettext("New materials"),
        "iot": t.gettext("Internet of things"),
        "medical_devices": t.gettext("Medical devices"),
        "eda": t.gettext("Electronic design automation"),
        "fintech": t.gettext("Financial technology"),
        "mathematics": t.gettext("Applied mathematics"),
        "energy": t.gettext("Energy"),
        "public_service": t.gettext("Public services"),
        "youth_startups": t.gettext("Youth start-ups"),
    }


def channel_labels(t: Translator) -> dict[str, str]:
    return {
        "hall": t.gettext("In the hall (one door)"),
        "window": t.gettext("At any window (one window)"),
        "online": t.gettext("Online (one network)"),
    }


def time_limit_text(t: Translator, limit: tuple[int, str] | None) -> str | None:
    if limit is None:
        return None
    value, unit = limit
    if unit == "working_day":
        return t.ngettext("%(num)d working day", "%(num)d working days", value)
    return t.ngettext("%(num)d calendar day", "%(num)d calendar days", value)


def visits_text(t: Translator, visits: int) -> str:
    if visits == 0:
        return t.gettext("No visit needed: fully online")
    return t.ngettext("%(num)d visit in person", "%(num)d visits in person", visits)
