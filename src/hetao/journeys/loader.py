"""Loading and checking the journeys of ``journeys/data/*.yaml`` and the field registry ``fields.yaml``.

Everything is checked before a journey is used: the shape of every entry, three-locale texts,
conditions (unknown questions, operators that do not fit, ``ask_when`` reading only earlier
questions), item keys against the catalogue when its keys are given, prerequisites (known, no cycles),
exclusive groups and form fields. All problems are reported at once in ``JourneyDataInvalid``, each
with the file and the path inside it (``company-setup.yaml:items[company-seal-engraving-filing].after``).
Loaded journeys are cached per process (the data ship with the code)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import replace
from datetime import date
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from hetao.core.errors import NotFound, Problem, ValidationFailed
from hetao.core.i18n import N_
from hetao.core.locales import LOCALES
from hetao.journeys.model import (
    Because,
    ExclusiveGroup,
    Exit,
    FieldSpec,
    Item,
    Journey,
    Option,
    Question,
    QuestionKind,
    Text,
)
from hetao.journeys.rules import NO, YES, Always, Condition, QuestionShape, parse_condition

FIELDS_FILE = "fields.yaml"
FIELD_KINDS = ("text", "email", "tel", "date")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class JourneyDataInvalid(ValidationFailed):
    """Journey or field data that cannot be used; ``problems`` name each file and path."""

    code = "journeys.data_invalid"
    message = N_("The journey data are not valid.")

    def __str__(self) -> str:
        return "\n".join([self.message, *(p.render() for p in self.problems)])


def data_dir():
    """The folder of the shipped journeys and field registry."""
    return files("hetao").joinpath("journeys", "data")


# -- texts and small checks ----------------------------------------------------------------------


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Checker:
    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []

    def add(self, path: str, message: str, **params: object) -> None:
        self.problems.append(Problem(f"{self.source}:{path}", message, dict(params)))

    def text(self, data: Mapping, key: str, path: str, *, required: bool = True) -> Text | None:
        value = data.get(key)
        if value is None:
            if required:
                self.add(_join(path, key), N_("This text is required in every language."))
            return None
        if not isinstance(value, Mapping):
            self.add(_join(path, key), N_("Give the text as a mapping of zh-Hant, zh-Hans and en."))
            return None
        missing = [loc for loc in LOCALES if not isinstance(value.get(loc), str) or not value[loc].strip()]
        if missing:
            self.add(
                _join(path, key),
                N_("The translation is missing for %(locales)s."),
                locales=", ".join(missing),
            )
        extra = sorted(str(k) for k in value if k not in LOCALES)
        if extra:
            self.add(_join(path, key), N_("Unknown member %(name)s."), name=", ".join(extra))
        return Text({loc: str(value.get(loc) or "") for loc in LOCALES})

    def members(self, data: Mapping, allowed: Iterable[str], path: str) -> None:
        for key in data:
            if key not in allowed:
                self.add(path, N_("Unknown member %(name)s."), name=key)

    def mapping(self, data: object, path: str) -> Mapping | None:
        if isinstance(data, Mapping):
            return data
        self.add(path, N_("Must be a mapping."))
        return None

    def condition(self, data: object, shapes: Mapping[str, QuestionShape], path: str) -> Condition:
        found: list[Problem] = []
        condition = parse_condition(data, shapes=shapes, path=path, problems=found)
        for problem in found:
            self.problems.append(Problem(f"{self.source}:{problem.path}", problem.message, problem.params))
        return condition


# -- field registry ------------------------------------------------------------------------------


def parse_fields(data: object, *, source: str = FIELDS_FILE) -> dict[str, FieldSpec]:
    """The field registry from parsed YAML (a list of fields); raises JourneyDataInvalid."""
    check = _Checker(source)
    out: dict[str, FieldSpec] = {}
    if not isinstance(data, list):
        check.add("", N_("Must be a list."))
        raise JourneyDataInvalid(check.problems)
    for index, raw in enumerate(data):
        entry = check.mapping(raw, f"[{index}]")
        if entry is None:
            continue
        fid = entry.get("id")
        path = f"[{fid}]" if isinstance(fid, str) else f"[{index}]"
        check.members(entry, ("id", "kind", "label", "hint", "pattern", "max_length", "invalid"), path)
        if not isinstance(fid, str) or not _ID.match(fid):
            check.add(f"{path}.id", N_("Give an id of lower-case letters, digits and underscores."))
            continue
        if fid in out:
            check.add(f"{path}.id", N_("The id %(id)s is used twice."), id=fid)
        kind = entry.get("kind")
        if kind not in FIELD_KINDS:
            check.add(f"{path}.kind", N_("Unknown kind %(kind)s."), kind=kind)
        pattern = entry.get("pattern")
        if pattern is not None:
            try:
                re.compile(pattern)
            except (re.error, TypeError):
                check.add(f"{path}.pattern", N_("This is not a valid regular expression."))
                pattern = None
        max_length = entry.get("max_length")
        if max_length is not None and (not isinstance(max_length, int) or max_length < 1):
            check.add(f"{path}.max_length", N_("Give a positive whole number."))
            max_length = None
        label = check.text(entry, "label", path)
        hint = check.text(entry, "hint", path, required=False)
        invalid = check.text(entry, "invalid", path, required=pattern is not None)
        out[fid] = FieldSpec(fid, str(kind), label or Text({}), hint, pattern, max_length, invalid)
    if check.problems:
        raise JourneyDataInvalid(check.problems)
    return out


def load_fields(directory: Path | None = None) -> dict[str, FieldSpec]:
    """The shared registry of form fields (``fields.yaml``), cached."""
    return dict(_load_fields_cached(str(directory) if directory else ""))


@lru_cache(maxsize=8)
def _load_fields_cached(directory: str) -> dict[str, FieldSpec]:
    folder = Path(directory) if directory else data_dir()
    text = folder.joinpath(FIELDS_FILE).read_text(encoding="utf-8")
    return parse_fields(yaml.safe_load(text), source=FIELDS_FILE)


# -- journeys ------------------------------------------------------------------------------------

_JOURNEY_MEMBERS = (
    "slug",
    "order",
    "title",
    "summary",
    "intro",
    "questions",
    "exits",
    "exclusive_groups",
    "items",
)
_QUESTION_MEMBERS = ("id", "kind", "text", "hint", "options", "ask_when", "dont_know", "min", "max")
_ITEM_MEMBERS = (
    "key",
    "include_when",
    "optional_when",
    "exclude_when",
    "because",
    "after",
    "exclusive_group",
    "fields",
)
_BECAUSE_MEMBERS = ("required", "optional", "excluded", "unknown")


def parse_journey(
    data: object,
    *,
    source: str,
    fields: Mapping[str, FieldSpec],
    catalog_keys: Collection[str] | None = None,
) -> Journey:
    """One journey from parsed YAML; raises JourneyDataInvalid naming every problem.

    ``catalog_keys``, when given, are the slugs of the catalogue's service items: every item must be one."""
    check = _Checker(source)
    root = check.mapping(data, "")
    if root is None:
        raise JourneyDataInvalid(check.problems)
    check.members(root, _JOURNEY_MEMBERS, "")
    slug = root.get("slug")
    if not isinstance(slug, str) or not _SLUG.match(slug):
        check.add("slug", N_("Give a slug of lower-case letters, digits and hyphens."))
        slug = str(slug)
    order = root.get("order", 0)
    if not isinstance(order, int) or isinstance(order, bool):
        check.add("order", N_("Give a whole number."))
        order = 0
    title = check.text(root, "title", "")
    summary = check.text(root, "summary", "")
    intro = check.text(root, "intro", "")

    questions = _parse_questions(check, root.get("questions"))
    shapes = {
        q.id: QuestionShape(q.kind.value, frozenset(q.option_ids() if q.options else (YES, NO)))
        for q in questions
    }
    # ask_when conditions were parsed with every question known; now they may only read earlier ones.
    questions = _parse_ask_when(check, root.get("questions"), questions, shapes)
    exits = _parse_exits(check, root.get("exits"), shapes)
    groups = _parse_groups(check, root.get("exclusive_groups"))
    items = _parse_items(check, root.get("items"), shapes, groups, fields, catalog_keys)
    used_fields = {fid: fields[fid] for item in items for fid in item.fields if fid in fields}
    if check.problems:
        raise JourneyDataInvalid(check.problems)
    return Journey(
        slug=slug,
        order=order,
        title=title or Text({}),
        summary=summary or Text({}),
        intro=intro or Text({}),
        questions=tuple(questions),
        items=tuple(items),
        exits=tuple(exits),
        groups=groups,
        fields=used_fields,
    )


def _list(check: _Checker, data: object, path: str, *, required: bool) -> list:
    if data is None and not required:
        return []
    if not isinstance(data, list) or (required and not data):
        check.add(path, N_("Give a non-empty list."))
        return []
    return data


def _parse_questions(check: _Checker, data: object) -> list[Question]:
    out: list[Question] = []
    seen: set[str] = set()
    for index, raw in enumerate(_list(check, data, "questions", required=True)):
        entry = check.mapping(raw, f"questions[{index}]")
        if entry is None:
            continue
        qid = entry.get("id")
        path = f"questions[{qid}]" if isinstance(qid, str) else f"questions[{index}]"
        check.members(entry, _QUESTION_MEMBERS, path)
        if not isinstance(qid, str) or not _ID.match(qid):
            check.add(f"{path}.id", N_("Give an id of lower-case letters, digits and underscores."))
            continue
        if qid in seen:
            check.add(f"{path}.id", N_("The id %(id)s is used twice."), id=qid)
            continue
        seen.add(qid)
        try:
            kind = QuestionKind(entry.get("kind"))
        except ValueError:
            check.add(f"{path}.kind", N_("Unknown kind %(kind)s."), kind=entry.get("kind"))
            continue
        text = check.text(entry, "text", path)
        hint = check.text(entry, "hint", path, required=False)
        options = _parse_options(check, entry, kind, path)
        dont_know = entry.get("dont_know", kind is QuestionKind.yes_no)
        if not isinstance(dont_know, bool) or (kind is QuestionKind.yes_no and not dont_know):
            check.add(f"{path}.dont_know", N_("Give true or false (yes/no questions always allow it)."))
            dont_know = True
        minimum, maximum = entry.get("min"), entry.get("max")
        for name, bound in (("min", minimum), ("max", maximum)):
            if bound is None:
                continue
            fits = (
                kind is QuestionKind.number and isinstance(bound, int | float) and not isinstance(bound, bool)
            ) or (kind is QuestionKind.date and isinstance(bound, date))
            if not fits:
                check.add(f"{path}.{name}", N_("Bounds are for number and date questions, of their type."))
        out.append(
            Question(
                id=qid,
                kind=kind,
                text=text or Text({}),
                hint=hint,
                options=options,
                allows_dont_know=bool(dont_know),
                minimum=minimum,
                maximum=maximum,
            )
        )
    return out


def _parse_options(check: _Checker, entry: Mapping, kind: QuestionKind, path: str) -> tuple[Option, ...]:
    raw = entry.get("options")
    if kind not in (QuestionKind.choice, QuestionKind.multi):
        if raw is not None:
            check.add(f"{path}.options", N_("Only choice and multi questions have options."))
        return ()
    if not isinstance(raw, list) or len(raw) < 2:
        check.add(f"{path}.options", N_("Give at least two options."))
        return ()
    options: list[Option] = []
    for index, item in enumerate(raw):
        option = check.mapping(item, f"{path}.options[{index}]")
        if option is None:
            continue
        oid = option.get("id")
        where = f"{path}.options[{oid}]" if isinstance(oid, str) else f"{path}.options[{index}]"
        check.members(option, ("id", "label"), where)
        if not isinstance(oid, str) or not _ID.match(oid) or oid == "dont_know":
            check.add(f"{where}.id", N_("Give an id of lower-case letters, digits and underscores."))
            continue
        if any(o.id == oid for o in options):
            check.add(f"{where}.id", N_("The id %(id)s is used twice."), id=oid)
            continue
        options.append(Option(oid, check.text(option, "label", where) or Text({})))
    return tuple(options)


def _parse_ask_when(
    check: _Checker, data: object, questions: list[Question], shapes: Mapping[str, QuestionShape]
) -> list[Question]:
    raw_by_id = {e.get("id"): e for e in (data if isinstance(data, list) else []) if isinstance(e, Mapping)}
    out: list[Question] = []
    earlier: set[str] = set()
    for question in questions:
        raw = raw_by_id.get(question.id, {})
        if "ask_when" in raw:
            path = f"questions[{question.id}].ask_when"
            condition = check.condition(raw["ask_when"], shapes, path)
            later = sorted(condition.questions() - earlier)
            if later:
                check.add(
                    path,
                    N_("ask_when may only read questions asked before this one, not %(questions)s."),
                    questions=", ".join(later),
                )
            question = replace(question, ask_when=condition)
        out.append(question)
        earlier.add(question.id)
    return out


def _parse_exits(check: _Checker, data: object, shapes: Mapping[str, QuestionShape]) -> list[Exit]:
    out: list[Exit] = []
    for index, raw in enumerate(_list(check, data, "exits", required=False)):
        entry = check.mapping(raw, f"exits[{index}]")
        if entry is None:
            continue
        eid = entry.get("id")
        path = f"exits[{eid}]" if isinstance(eid, str) else f"exits[{index}]"
        check.members(entry, ("id", "when", "reason"), path)
        if not isinstance(eid, str) or not _SLUG.match(eid):
            check.add(f"{path}.id", N_("Give a slug of lower-case letters, digits and hyphens."))
        if "when" not in entry:
            check.add(f"{path}.when", N_("This condition is required."))
        when = check.condition(entry.get("when", False), shapes, f"{path}.when")
        reason = check.text(entry, "reason", path)
        out.append(Exit(str(eid), when, reason or Text({})))
    return out


def _parse_groups(check: _Checker, data: object) -> dict[str, ExclusiveGroup]:
    out: dict[str, ExclusiveGroup] = {}
    for index, raw in enumerate(_list(check, data, "exclusive_groups", required=False)):
        entry = check.mapping(raw, f"exclusive_groups[{index}]")
        if entry is None:
            continue
        gid = entry.get("id")
        path = f"exclusive_groups[{gid}]" if isinstance(gid, str) else f"exclusive_groups[{index}]"
        check.members(entry, ("id", "because"), path)
        if not isinstance(gid, str) or not _SLUG.match(gid):
            check.add(f"{path}.id", N_("Give a slug of lower-case letters, digits and hyphens."))
            continue
        if gid in out:
            check.add(f"{path}.id", N_("The id %(id)s is used twice."), id=gid)
        out[gid] = ExclusiveGroup(gid, check.text(entry, "because", path) or Text({}))
    return out


def _parse_items(
    check: _Checker,
    data: object,
    shapes: Mapping[str, QuestionShape],
    groups: Mapping[str, ExclusiveGroup],
    fields: Mapping[str, FieldSpec],
    catalog_keys: Collection[str] | None,
) -> list[Item]:
    items: list[Item] = []
    for index, raw in enumerate(_list(check, data, "items", required=True)):
        entry = check.mapping(raw, f"items[{index}]")
        if entry is None:
            continue
        key = entry.get("key")
        path = f"items[{key}]" if isinstance(key, str) else f"items[{index}]"
        check.members(entry, _ITEM_MEMBERS, path)
        if not isinstance(key, str) or not _SLUG.match(key):
            check.add(f"{path}.key", N_("Give a slug of lower-case letters, digits and hyphens."))
            continue
        if any(i.key == key for i in items):
            check.add(f"{path}.key", N_("The item %(key)s is listed twice."), key=key)
            continue
        if catalog_keys is not None and key not in catalog_keys:
            check.add(f"{path}.key", N_("No service item of the catalogue is called %(key)s."), key=key)
        if "include_when" not in entry:
            check.add(f"{path}.include_when", N_("This condition is required."))
        include = check.condition(entry.get("include_when", False), shapes, f"{path}.include_when")
        optional: Condition = Always(False)
        if "optional_when" in entry:
            optional = check.condition(entry["optional_when"], shapes, f"{path}.optional_when")
        exclude: Condition = Always(False)
        if "exclude_when" in entry:
            exclude = check.condition(entry["exclude_when"], shapes, f"{path}.exclude_when")
        because = _parse_because(check, entry.get("because"), f"{path}.because", "optional_when" in entry)
        after = _string_list(check, entry.get("after"), f"{path}.after")
        group = entry.get("exclusive_group")
        if group is not None and group not in groups:
            check.add(f"{path}.exclusive_group", N_("Unknown exclusive group %(group)s."), group=group)
        item_fields = _string_list(check, entry.get("fields"), f"{path}.fields")
        for fid in item_fields:
            if fid not in fields:
                check.add(f"{path}.fields", N_("Unknown form field %(field)s."), field=fid)
        items.append(
            Item(
                key=key,
                include_when=include,
                because=because,
                optional_when=optional,
                exclude_when=exclude,
                after=tuple(after),
                exclusive_group=group if isinstance(group, str) else None,
                fields=tuple(item_fields),
            )
        )
    keys = {i.key for i in items}
    for item in items:
        for before in item.after:
            if before not in keys:
                check.add(f"items[{item.key}].after", N_("Unknown item %(key)s."), key=before)
            elif before == item.key:
                check.add(f"items[{item.key}].after", N_("An item cannot come after itself."))
    cycle = _find_cycle(items)
    if cycle:
        check.add("items", N_("The prerequisites go round in a circle: %(cycle)s."), cycle=" → ".join(cycle))
    for gid in groups:
        members = [i.key for i in items if i.exclusive_group == gid]
        if len(members) < 2:
            check.add(f"exclusive_groups[{gid}]", N_("An exclusive group needs at least two items."))
    return items


def _parse_because(check: _Checker, data: object, path: str, has_optional: bool) -> Because:
    entry = check.mapping(data, path) if data is not None else None
    if entry is None:
        if data is None:
            check.add(path, N_("Explain every outcome: required and excluded at least."))
        return Because(Text({}), Text({}))
    check.members(entry, _BECAUSE_MEMBERS, path)
    return Because(
        required=check.text(entry, "required", path) or Text({}),
        excluded=check.text(entry, "excluded", path) or Text({}),
        optional=check.text(entry, "optional", path, required=has_optional),
        unknown=check.text(entry, "unknown", path, required=False),
    )


def _string_list(check: _Checker, data: object, path: str) -> list[str]:
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(x, str) for x in data):
        check.add(path, N_("Give a list of names."))
        return []
    return list(data)


def _find_cycle(items: list[Item]) -> list[str] | None:
    after = {i.key: [k for k in i.after if k != i.key] for i in items}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(key: str) -> list[str] | None:
        state[key] = 1
        stack.append(key)
        for nxt in after.get(key, ()):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt in after and nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[key] = 2
        return None

    for item in items:
        if item.key not in state:
            found = visit(item.key)
            if found:
                return found
    return None


# -- all journeys --------------------------------------------------------------------------------


def load_journeys(
    directory: Path | None = None, *, catalog_keys: Collection[str] | None = None
) -> dict[str, Journey]:
    """Every journey of ``directory`` (the shipped data by default), by slug, in display order.

    Checked and cached per (directory, catalogue keys); raises JourneyDataInvalid listing every
    problem of every file."""
    keys = frozenset(catalog_keys) if catalog_keys is not None else None
    return dict(_load_cached(str(directory) if directory else "", keys))


@lru_cache(maxsize=8)
def _load_cached(directory: str, catalog_keys: frozenset[str] | None) -> dict[str, Journey]:
    folder: Any = Path(directory) if directory else data_dir()
    fields = parse_fields(
        yaml.safe_load(folder.joinpath(FIELDS_FILE).read_text(encoding="utf-8")), source=FIELDS_FILE
    )
    problems: list[Problem] = []
    journeys: dict[str, Journey] = {}
    entries = sorted(
        (e for e in folder.iterdir() if e.name.endswith(".yaml") and e.name != FIELDS_FILE),
        key=lambda e: e.name,
    )
    for entry in entries:
        try:
            data = yaml.safe_load(entry.read_text(encoding="utf-8"))
            journey = parse_journey(data, source=entry.name, fields=fields, catalog_keys=catalog_keys)
        except yaml.YAMLError as error:
            problems.append(
                Problem(entry.name, N_("The file is not valid YAML: %(error)s"), {"error": str(error)})
            )
            continue
        except JourneyDataInvalid as error:
            problems.extend(error.problems)
            continue
        if journey.slug in journeys:
            problems.append(
                Problem(f"{entry.name}:slug", N_("The slug %(slug)s is used twice."), {"slug": journey.slug})
            )
        if entry.name != f"{journey.slug}.yaml":
            problems.append(
                Problem(
                    f"{entry.name}:slug",
                    N_("Name the file after the slug: %(slug)s.yaml."),
                    {"slug": journey.slug},
                )
            )
        journeys[journey.slug] = journey
    if problems:
        raise JourneyDataInvalid(problems)
    return dict(sorted(journeys.items(), key=lambda kv: (kv[1].order, kv[0])))


def _in_use(catalog_keys: Collection[str] | None) -> dict[str, Journey]:
    from hetao.journeys.revisions import overrides  # the edited versions, loaded per request

    shipped = load_journeys(catalog_keys=catalog_keys)
    if catalog_keys is not None:
        return shipped
    edited = overrides()
    merged = {slug: edited.get(slug, journey) for slug, journey in shipped.items()}
    return dict(sorted(merged.items(), key=lambda kv: (kv[1].order, kv[0])))


def list_journeys(*, catalog_keys: Collection[str] | None = None) -> list[Journey]:
    """The journeys in use (shipped, or their latest revision) in display order (``order``, then slug).
    With ``catalog_keys``, the shipped files checked against those keys."""
    return list(_in_use(catalog_keys).values())


def get_journey(slug: str, *, catalog_keys: Collection[str] | None = None) -> Journey:
    """The journey in use called ``slug``; raises NotFound."""
    journey = _in_use(catalog_keys).get(slug)
    if journey is None:
        raise NotFound(N_("No journey is called %(ref)s."), code="journeys.journey_not_found", ref=slug)
    return journey
