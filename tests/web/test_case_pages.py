"""Case pages through HTTP: the applicant's draft, uploads and submission; officers of two
departments in parallel with a supplement; completion and rating; every denial, guessed ids included."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from hetao import cases
from hetao.accounts import principal_for, user_by_email
from hetao.core.db import utcnow
from tests.cases.helpers import ANSWERS, PASSWORD, PDF, VALID, company_plan, department_slug, person
from tests.pages import CheckingClient, csrf_of, signed_in


@pytest.fixture
def uploads(app, tmp_path):
    app.state.settings = type(app.state.settings)(
        database_url=app.state.settings.database_url, upload_dir=str(tmp_path / "uploads"), outbox_interval=0
    )
    return tmp_path / "uploads"


@pytest.fixture
def draft(session_factory):
    with session_factory() as s, s.begin():
        applicant = person(s, "founder@example.org")
        journey, plan = company_plan(s)
        case = cases.start_application(
            s, applicant, journey=journey, answers=ANSWERS, plan=plan, now=utcnow()
        )
        person(s, "stranger@example.org")
        return case.id


def post(client, url, data, files=None, page_url=None):
    page = client.get(page_url or url.rsplit("/", 1)[0])
    return client.post(url, data={"csrf_token": csrf_of(page), **data}, files=files, follow_redirects=False)


def test_a_case_from_draft_to_rating(app, session_factory, draft, uploads):
    me = signed_in(app, "founder@example.org")
    page = me.get(f"/en/cases/{draft}")
    assert page.status_code == 200 and "Submit the application" in page.text
    url = f"/en/cases/{draft}"

    # Invalid answers: 422, each error linked, nothing saved.
    bad = post(
        me,
        f"{url}/answers",
        {"version": "1", "company_name": "A Ltd", "hk_company_number": "12"},
        page_url=url,
    )
    assert bad.status_code == 422
    assert "#hk_company_number" in [a["href"] for a in bad.soup.select(".error-summary a")]
    with session_factory() as s:
        assert s.get(cases.Case, draft).values == {}

    with session_factory() as s:
        case = s.get(cases.Case, draft)
        fields, documents = cases.needed_fields(case), cases.needed_documents(case)
    ok = post(me, f"{url}/answers", {"version": "1", **{f: VALID[f] for f in fields}}, page_url=url)
    assert ok.status_code == 303

    # Submitting too early lists the missing documents.
    early = post(me, f"{url}/submit", {"version": "2"}, page_url=url)
    assert early.status_code == 422 and f"#doc-{documents[0]}" in early.text

    wrong = post(
        me,
        f"{url}/documents/{documents[0]}",
        {},
        files={"file": ("virus.pdf", b"MZ not a pdf", "application/pdf")},
        page_url=url,
    )
    assert wrong.status_code == 422 and "PDF, PNG or JPEG" in wrong.text
    for code in documents:
        assert (
            post(
                me,
                f"{url}/documents/{code}",
                {},
                files={"file": (f"{code}.pdf", PDF, "application/pdf")},
                page_url=url,
            ).status_code
            == 303
        )
    download = me.get(f"{url}/documents/{documents[0]}")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment;")

    submitted = post(me, f"{url}/submit", {"version": "2"}, page_url=url)
    assert submitted.status_code == 303
    page = me.get(f"{url}?done=submitted")
    reference = re.search(r"HT-\d{4}-\d{6}", page.text).group(0)

    # Officers of each department; two work in parallel on the first level.
    with session_factory() as s, s.begin():
        case = s.get(cases.Case, draft)
        slugs = {department_slug(s, t) for t in case.tasks}
        for slug in slugs:
            person(s, f"officer.{slug}@example.org", officer_of=[slug])
        ready = [(t.id, department_slug(s, t)) for t in case.tasks if t.state == "ready"]
    assert len(ready) >= 2
    officers = {slug: signed_in(app, f"officer.{slug}@example.org") for slug in slugs}

    (first_id, first_slug), (second_id, second_slug) = ready[0], ready[1]
    queue = officers[first_slug].get("/en/officer/tasks")
    assert queue.status_code == 200 and reference in queue.text
    task_url = f"/en/officer/tasks/{first_id}"
    assert (
        post(officers[first_slug], f"{task_url}/claim", {"version": "1"}, page_url=task_url).status_code
        == 303
    )
    stale = post(officers[first_slug], f"{task_url}/claim", {"version": "1"}, page_url=task_url)
    assert stale.status_code == 409 and "Another officer" in stale.text
    with session_factory() as s:
        task = s.get(cases.Task, first_id)
        field = task.fields[0]
    supplement = post(
        officers[first_slug],
        f"{task_url}/supplement",
        {"version": "2", "reason": "Please check the name.", "fields": field},
        page_url=task_url,
    )
    assert supplement.status_code == 303

    second_url = f"/en/officer/tasks/{second_id}"
    assert (
        post(officers[second_slug], f"{second_url}/claim", {"version": "1"}, page_url=second_url).status_code
        == 303
    )
    assert (
        post(
            officers[second_slug],
            f"{second_url}/approve",
            {"version": "2", "result": "No. 1"},
            page_url=second_url,
        ).status_code
        == 303
    )

    page = me.get(url)
    assert "Please check the name." in page.text
    answered = post(me, f"{url}/tasks/{first_id}/supplement", {field: VALID[field]}, page_url=url)
    assert answered.status_code == 303
    assert (
        post(officers[first_slug], f"{task_url}/approve", {"version": "4"}, page_url=task_url).status_code
        == 303
    )

    # Approve the rest, level by level, as each department.
    for _ in range(10):
        with session_factory() as s:
            open_tasks = [
                (t.id, t.state, t.version, department_slug(s, t))
                for t in s.get(cases.Case, draft).tasks
                if t.state in ("ready", "in_progress")
            ]
        if not open_tasks:
            break
        for task_id, state, version, slug in open_tasks:
            turl = f"/en/officer/tasks/{task_id}"
            if state == "ready":
                assert (
                    post(
                        officers[slug], f"{turl}/claim", {"version": str(version)}, page_url=turl
                    ).status_code
                    == 303
                )
                version += 1
            assert (
                post(officers[slug], f"{turl}/approve", {"version": str(version)}, page_url=turl).status_code
                == 303
            )
    page = me.get(url)
    assert "Completed" in page.text and "Rate the service" in page.text
    assert post(me, f"{url}/rating", {"score": "7"}, page_url=url).status_code == 422
    assert post(me, f"{url}/rating", {"score": "5", "comment": "Clear."}, page_url=url).status_code == 303
    assert "You rated this case: Very satisfied." in me.get(url).text
    with session_factory() as s:
        assert cases.verify(s).ok


def test_other_people_cannot_reach_a_case(app, session_factory, draft, uploads):
    stranger = signed_in(app, "stranger@example.org")
    for path in (
        f"/en/cases/{draft}",
        f"/en/cases/{draft}/documents/x",
        "/en/cases/00000000-0000-0000-0000-000000000000",
    ):
        assert stranger.get(path).status_code == 404
    response = post(
        stranger,
        f"/en/cases/{draft}/answers",
        {"version": "1", "company_name": "Mine now"},
        page_url="/en/cases",
    )
    assert response.status_code == 404
    assert stranger.get("/en/officer/tasks").status_code == 403
    with session_factory() as s:
        assert s.get(cases.Case, draft).values == {}
    anonymous = CheckingClient(app)
    assert anonymous.get(f"/en/cases/{draft}", follow_redirects=False).status_code == 303


def test_officers_reach_only_their_departments_tasks(app, session_factory, draft, uploads):
    with session_factory() as s, s.begin():
        founder = principal_for(user_by_email(s, "founder@example.org"))
        case = s.get(cases.Case, draft)
        cases.save_answers(
            s, founder, draft, {f: VALID[f] for f in cases.needed_fields(case)}, version=None, now=utcnow()
        )
        for code in cases.needed_documents(case):
            cases.attach_document(
                s, founder, draft, code=code, data=PDF, filename="a.pdf", root=uploads, now=utcnow()
            )
        cases.submit(s, founder, draft, version=None, now=utcnow())
        task = next(t for t in case.tasks if t.state == "ready")
        mine = department_slug(s, task)
        other = next(slug for slug in ("sz-traffic-police", "futian-psb") if slug != mine)
        person(s, "outsider@example.org", officer_of=[other])
        task_id, code = task.id, task.documents[0] if task.documents else None
    outsider = signed_in(app, "outsider@example.org")
    assert outsider.get(f"/en/officer/tasks/{task_id}").status_code == 404
    assert (
        post(
            outsider, f"/en/officer/tasks/{task_id}/claim", {"version": "1"}, page_url="/en/officer/tasks"
        ).status_code
        == 404
    )
    if code:
        assert outsider.get(f"/en/officer/tasks/{task_id}/documents/{code}").status_code == 404
    assert outsider.get(f"/en/cases/{draft}").status_code == 404
    queue = outsider.get("/en/officer/tasks")
    assert task_id not in queue.text
    with session_factory() as s:
        assert s.scalar(select(cases.Task.state).where(cases.Task.id == task_id)) == "ready"


def test_applying_from_a_plan_asks_to_sign_in_then_makes_a_draft(client, session_factory):
    from tests.web.test_journey_pages import answer_all

    answer_all(client, list(ANSWERS.items()))
    plan = client.get("/en/journeys/company-setup/plan")
    form = plan.soup.find("form", attrs={"action": "/en/journeys/company-setup/apply"})
    assert form is not None and form.find("input", attrs={"name": "csrf_token"})
    optional = [i["value"] for i in form.find_all("input", attrs={"name": "optional"})]
    response = client.post(
        "/en/journeys/company-setup/apply", data={"csrf_token": csrf_of(plan)}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/en/account/sign-in?next=%2Fen%2Fjourneys%2Fcompany-setup%2Fplan"

    with session_factory() as s, s.begin():
        person(s, "planner@example.org")
    page = client.get("/en/account/sign-in")
    client.post(
        "/en/account/sign-in",
        data={"csrf_token": csrf_of(page), "email": "planner@example.org", "password": PASSWORD},
    )
    response = client.post(
        "/en/journeys/company-setup/apply",
        data={"csrf_token": csrf_of(plan), "optional": optional[:1]},
        follow_redirects=False,
    )
    assert response.status_code == 303 and "/en/cases/" in response.headers["location"]
    case_id = response.headers["location"].rsplit("/", 1)[1]
    with session_factory() as s:
        case = s.get(cases.Case, case_id)
        assert case.status == "draft" and case.answers == ANSWERS
        keys = [t.item_key for t in case.tasks]
        assert optional[:1] == [k for k in keys if k in optional]


def test_applying_without_answers_goes_back_to_the_questions(client, session_factory):
    with session_factory() as s, s.begin():
        person(s, "planner@example.org")
    page = client.get("/en/account/sign-in")
    client.post(
        "/en/account/sign-in",
        data={"csrf_token": csrf_of(page), "email": "planner@example.org", "password": PASSWORD},
    )
    response = client.post(
        "/en/journeys/company-setup/apply", data={"csrf_token": csrf_of(page)}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/en/journeys/company-setup/plan"
    assert (
        client.get("/en/journeys/company-setup/plan", follow_redirects=False)
        .headers["location"]
        .endswith("/questions/investor")
    )
    with session_factory() as s:
        planner = principal_for(user_by_email(s, "planner@example.org"))
        assert cases.cases_of(s, planner) == []
