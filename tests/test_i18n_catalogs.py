"""The gettext catalogs: the template is current, every message is translated, placeholders kept."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

from tests.conftest import ROOT

POT = ROOT / "src/hetao/locale/messages.pot"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def test_message_template_is_current(tmp_path):
    out = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-k",
            "gettext",
            "-k",
            "ngettext:1,2",
            "-k",
            "_",
            "--no-location",
            "--sort-output",
            "--omit-header",
            "--no-wrap",
            "-o",
            str(out),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    assert out.read_text(encoding="utf-8") == POT.read_text(encoding="utf-8"), (
        "messages.pot is stale: run scripts/extract-messages and translate the new messages"
    )


@pytest.mark.parametrize("locale", ["zh_Hant", "zh_Hans"])
def test_every_message_is_translated_with_its_placeholders(locale):
    template = read_po(POT.open("rb"))
    catalog = read_po((ROOT / f"src/hetao/locale/{locale}/LC_MESSAGES/messages.po").open("rb"))
    for message in template:
        if not message.id:
            continue
        translated = catalog.get(message.id)
        assert translated is not None and translated.string, f"{locale}: {message.id!r} is not translated"
        assert not translated.fuzzy, f"{locale}: {message.id!r} is fuzzy"
        source = message.id if isinstance(message.id, str) else message.id[0]
        strings = translated.string if isinstance(translated.string, tuple) else (translated.string,)
        for s in strings:
            assert set(PLACEHOLDER.findall(s)) == set(PLACEHOLDER.findall(source)), (locale, source, s)


def test_hong_kong_and_mainland_usage():
    hant = (ROOT / "src/hetao/locale/zh_Hant/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    hans = (ROOT / "src/hetao/locale/zh_Hans/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    assert "工作天" in hant and "工作日" not in hant
    assert "工作日" in hans


def test_simplified_catalog_has_no_traditional_characters():
    import opencc

    to_simplified = opencc.OpenCC("t2s.json")
    with (ROOT / "src/hetao/locale/zh_Hans/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh)
    traditional = []
    for message in catalog:
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        traditional += [t for t in texts if t and to_simplified.convert(t) != t]
    assert traditional == []
