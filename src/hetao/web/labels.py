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


def task_state_labels(t: Translator) -> dict[str, str]:
    return {
        "draft": t.gettext("Not submitted"),
        "waiting": t.gettext("Waiting for an earlier step"),
        "ready": t.gettext("Waiting for an officer"),
        "in_progress": t.gettext("Being handled"),
        "supplement_requested": t.gettext("More needed from you"),
        "approved": t.gettext("Approved"),
        "rejected": t.gettext("Not approved"),
        "cancelled": t.gettext("Cancelled"),
    }


def case_status_labels(t: Translator) -> dict[str, str]:
    return {
        "draft": t.gettext("Draft"),
        "submitted": t.gettext("Submitted"),
        "completed": t.gettext("Completed"),
        "withdrawn": t.gettext("Withdrawn"),
    }


def rating_labels(t: Translator) -> dict[int, str]:
    """The national five-level scale of service ratings (好差評)."""
    return {
        5: t.gettext("Very satisfied"),
        4: t.gettext("Satisfied"),
        3: t.gettext("Fairly satisfied"),
        2: t.gettext("Dissatisfied"),
        1: t.gettext("Very dissatisfied"),
    }


def event_labels(t: Translator) -> dict[str, str]:
    return {
        "case.started": t.gettext("Application started"),
        "case.submitted": t.gettext("Application submitted"),
        "case.withdrawn": t.gettext("Application withdrawn"),
        "case.completed": t.gettext("Case completed"),
        "case.rated": t.gettext("Service rated"),
        "document.uploaded": t.gettext("Document uploaded"),
        "task.ready": t.gettext("Ready for the department"),
        "task.claimed": t.gettext("An officer took the step"),
        "supplement.requested": t.gettext("More was asked for"),
        "supplement.answered": t.gettext("You supplied what was asked"),
        "task.approved": t.gettext("Approved"),
        "task.rejected": t.gettext("Not approved"),
        "task.cancelled": t.gettext("Cancelled"),
    }
