"""gettext catalogs (Babel ``.po`` files in ``hetao/locale``), read once per process.

Message ids are English sentences with named placeholders; zh-Hant (Hong Kong usage) and zh-Hans
(mainland usage) are written translations, never converted at run time."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from babel.messages.pofile import read_po

from hetao.core.locales import LOCALES

#: Directory names of the catalogs (gettext style) for each locale that has one.
CATALOG_DIRS = {"zh-Hant": "zh_Hant", "zh-Hans": "zh_Hans"}
DOMAIN = "messages"


def catalog_path(locale: str):
    return files("hetao").joinpath("locale", CATALOG_DIRS[locale], "LC_MESSAGES", f"{DOMAIN}.po")


@lru_cache(maxsize=len(LOCALES))
def _messages(locale: str) -> dict[str, str | tuple[str, ...]]:
    if locale not in CATALOG_DIRS:
        return {}
    path = catalog_path(locale)
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=CATALOG_DIRS[locale])
    out: dict[str, str | tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if isinstance(message.string, tuple):
            if all(message.string):
                out[key] = tuple(message.string)
        elif message.string:
            out[key] = message.string
    return out


@dataclass(frozen=True)
class Translator:
    locale: str

    def gettext(self, message: str, **params: object) -> str:
        text = _messages(self.locale).get(message, message)
        if isinstance(text, tuple):
            text = text[0]
        return text % params if params else text

    def ngettext(self, singular: str, plural: str, n: int, **params: object) -> str:
        params.setdefault("num", n)
        found = _messages(self.locale).get(singular)
        if isinstance(found, tuple):
            text = found[0] if len(found) == 1 or n == 1 else found[1]
        else:
            text = singular if n == 1 else plural
        return text % params


def translator(locale: str) -> Translator:
    return Translator(locale if locale in LOCALES else LOCALES[0])


def N_(message: str) -> str:  # noqa: N802
    """Mark a message for extraction; it is translated later, where the reader's locale is known."""
    return message
