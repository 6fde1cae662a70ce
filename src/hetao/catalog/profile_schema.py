"""The Hetao profile of Open Referral HSDS 3.1, as JSON Schema.

An HSDS profile is a set of JSON Merge Patches (RFC 7386), one per HSDS schema it changes, each in a
file named like the schema it patches. This module applies the patches in ``profile/patches/`` to the
unmodified HSDS 3.1 schemas in ``profile/hsds/`` and builds validators that resolve every ``$ref``
(``"organization.json"``, ``"required_document.json"``, ...) to the *patched* schema, so children
embedded in a service are checked against the profile too. See ``docs/hsds-profile.md``.

Pure Python: the standard library plus ``jsonschema`` and ``referencing``.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

__all__ = [
    "HSDS_VERSION",
    "PROFILE_URI",
    "load_schema",
    "merge_patch",
    "schema_names",
    "translatable_fields",
    "validator_for",
]

PROFILE_URI = "urn:hetao-one-stop:hsds-profile:hetao:1.0"
HSDS_VERSION = "3.1"

_PROFILE_DIR = files(__package__).joinpath("profile")

# Formats asserted by the validators. Only those jsonschema checks with the standard library, so that
# validation does not depend on which optional packages happen to be installed; other HSDS formats
# (uri, date-time, ...) stay annotations.
_FORMAT_CHECKER = FormatChecker(formats=("uuid", "date", "email"))


def merge_patch(target: Any, patch: Any) -> Any:
    """Apply a JSON Merge Patch (RFC 7386) and return the result; the arguments are not modified.

    Objects are merged member by member, a ``None`` (JSON null) member removes that member, and any
    other patch value (string, number, array, ...) replaces the target as a whole.
    """
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = merge_patch(result.get(name), value)
    return result


def _file_name(name: str) -> str:
    return name if name.endswith(".json") else f"{name}.json"


def _read_json(*parts: str) -> Any:
    return json.loads(_PROFILE_DIR.joinpath(*parts).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _manifest() -> dict[str, Any]:
    manifest = _read_json("profile.json")
    if manifest.get("uri") != PROFILE_URI:  # keep the constant and the shipped manifest in step
        raise RuntimeError(f"profile.json declares {manifest.get('uri')!r}, expected {PROFILE_URI!r}")
    return manifest


@lru_cache(maxsize=1)
def schema_names() -> tuple[str, ...]:
    """File names of every schema in the profile (the HSDS copy), e.g. ``"service.json"``."""
    return tuple(
        sorted(
            entry.name for entry in _PROFILE_DIR.joinpath("hsds").iterdir() if entry.name.endswith(".json")
        )
    )


@lru_cache(maxsize=64)  # more than the number of HSDS schemas
def _patched(file_name: str) -> dict[str, Any]:
    if file_name not in schema_names():
        raise KeyError(f"no HSDS schema {file_name!r} in the Hetao profile")
    base = _read_json("hsds", file_name)
    patch_path = _manifest()["patches"].get(file_name)
    return merge_patch(base, _read_json(*patch_path.split("/"))) if patch_path else base


def load_schema(name: str) -> dict[str, Any]:
    """The HSDS 3.1 schema ``name`` (``"service"`` or ``"service.json"``) with the profile's patch applied.

    Returns a fresh copy that the caller may modify. Raises ``KeyError`` for an unknown schema.
    """
    return copy.deepcopy(_patched(_file_name(name)))


@lru_cache(maxsize=1)
def _registry() -> Registry:
    # The HSDS schemas have no $id and refer to each other by relative file name ("organization.json"),
    # which resolves against an empty base URI to the bare file name: register each patched schema there.
    return (
        Registry()
        .with_resources(
            (file_name, DRAFT202012.create_resource(_patched(file_name))) for file_name in schema_names()
        )
        .crawl()
    )


def validator_for(name: str) -> Draft202012Validator:
    """A cached Draft 2020-12 validator for the patched schema ``name`` (``"service"`` or
    ``"service.json"``). Every ``$ref`` resolves to a patched schema, so embedded children (a service's
    ``organization``, ``required_documents``, ...) are validated against the profile too. The formats
    ``uuid``, ``date`` and ``email`` are asserted; other formats are annotations only.
    """
    return _validator(_file_name(name))


@lru_cache(maxsize=64)  # more than the number of HSDS schemas
def _validator(file_name: str) -> Draft202012Validator:
    return Draft202012Validator(_patched(file_name), registry=_registry(), format_checker=_FORMAT_CHECKER)


def translatable_fields(name: str) -> tuple[str, ...]:
    """The text fields that ``translations`` may carry for objects of schema ``name`` (empty if none)."""
    translations = _patched(_file_name(name)).get("properties", {}).get("translations")
    if not translations:
        return ()
    return tuple(translations["additionalProperties"]["properties"])
