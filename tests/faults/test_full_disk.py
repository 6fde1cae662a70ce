"""A full disk on upload (ENOSPC while the file is written, or when it is synced) gives the applicant a
clear, localised error on the case page, and leaves no document row, no upload row and no partial
file behind; once space is back the same upload works."""

from __future__ import annotations

import errno
import os
import uuid

import pytest
from sqlalchemy import func, select

from hetao import cases
from hetao.cases import uploads as upload_storage
from tests.cases.helpers import PDF as SAMPLE_PDF
from tests.pages import csrf_of, signed_in
from tests.web.test_case_pages import draft, uploads  # noqa: F401 (fixtures)

#: Content of this module's own (uploads are stored once per digest, and browser journeys commit
#: theirs to the shared database).
PDF = SAMPLE_PDF + f"% {uuid.uuid4().hex}\n".encode()

pytestmark = pytest.mark.faults


@pytest.fixture
def app(seeded_engine, session_factory):
    """The site without a prebuilt search index (these pages never search): quick to set up."""
    from hetao.app import create_app
    from hetao.core.settings import Settings

    application = create_app(
        Settings(database_url=str(seeded_engine.url), outbox_interval=0), engine=seeded_engine
    )
    application.state.session_factory = session_factory
    return application


class _HalfWriter:
    """A file object that writes half of what it is given, then fails as a full disk does."""

    def __init__(self, fh):
        self._fh = fh

    def write(self, data):
        self._fh.write(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name):
        return getattr(self._fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._fh.close()


def _files_under(root):
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _counts(session_factory, case_id):
    with session_factory() as s:
        return (
            s.scalar(
                select(func.count())
                .select_from(cases.CaseDocument)
                .where(cases.CaseDocument.case_id == case_id)
            ),
            s.scalar(select(func.count()).select_from(cases.Upload)),
            s.get(cases.Case, case_id).version,
        )


@pytest.mark.parametrize("where", ["write", "fsync"])
def test_a_full_disk_on_upload_is_a_clear_error_and_leaves_nothing_behind(
    app,
    session_factory,
    draft,  # noqa: F811
    uploads,  # noqa: F811
    monkeypatch,
    where,  # noqa: F811
):
    real_fdopen = os.fdopen
    if where == "write":
        monkeypatch.setattr(
            upload_storage.os, "fdopen", lambda fd, *a, **k: _HalfWriter(real_fdopen(fd, *a, **k))
        )
    else:

        def no_space(_fd):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(upload_storage.os, "fsync", no_space)

    me = signed_in(app, "founder@example.org")
    with session_factory() as s:
        code = cases.needed_documents(s.get(cases.Case, draft))[0]
    before = _counts(session_factory, draft)
    url = f"/zh-hant/cases/{draft}"
    page = me.get(url)
    response = me.post(
        f"{url}/documents/{code}",
        data={"csrf_token": csrf_of(page)},
        files={"file": (f"{code}.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    # The case page again, with the error beside the upload field, in the page's language.
    assert response.status_code == 422
    assert "檔案暫時未能儲存，請稍後再試。" in response.text
    assert f"#doc-{code}" in [a["href"] for a in response.soup.select(".error-summary a")]
    assert _counts(session_factory, draft) == before
    assert _files_under(uploads) == []

    # Space is back: the same upload is stored, with its row and its one file.
    monkeypatch.undo()
    page = me.get(url)
    again = me.post(
        f"{url}/documents/{code}",
        data={"csrf_token": csrf_of(page)},
        files={"file": (f"{code}.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert again.status_code == 303
    documents, stored, _version = _counts(session_factory, draft)
    assert documents == before[0] + 1 and stored == before[1] + 1
    assert len(_files_under(uploads)) == 1
