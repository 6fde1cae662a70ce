"""一件事一次辦 end to end, as people would do it: a Hong Kong founder answers the company set-up
questions, gets a plan, creates an account, fills the one merged form, uploads each document once and
submits; officers of two departments work in parallel, one asks for a supplement, the founder
supplies it, everything is approved, the case completes and the founder rates it. In zh-Hant and in
English, with accessibility scans on the way."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy.orm import sessionmaker

from hetao import accounts, cases
from hetao.storage.database import unit_of_work
from tests.cases.helpers import PASSWORD, PDF, VALID, department_slug, person
from tests.e2e.test_journeys import assert_accessible

pytestmark = pytest.mark.e2e

WORDS = {
    "zh-hant": {
        "hk_company": "香港註冊的公司",
        "yes": "是",
        "no": "否",
        "continue": "繼續",
        "see_plan": "查看你的計劃",
        "very_satisfied": "非常滿意",
        "completed": "已辦結",
        "reason": "公司名稱與證明文件不符，請更正。",
    },
    "en": {
        "hk_company": "A company incorporated in Hong Kong",
        "yes": "Yes",
        "no": "No",
        "continue": "Continue",
        "see_plan": "See your plan",
        "very_satisfied": "Very satisfied",
        "completed": "Completed",
        "reason": "The company name differs from the certificate; please correct it.",
    },
}


def submit(page, form_selector: str) -> None:
    page.locator(f"{form_selector} button[type=submit]").first.click()
    page.wait_for_load_state()


def sign_in(browser, live_server, prefix, email):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/{prefix}/account/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    submit(page, "form[action$='/account/sign-in']")
    return context, page


@pytest.mark.parametrize("prefix", ["zh-hant", "en"])
def test_a_founder_applies_and_departments_handle_it(browser, live_server, seeded_engine, backend, prefix):
    words = WORDS[prefix]
    run = uuid.uuid4().hex[:8]
    email = f"founder-{run}@example.org"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    # The questions, then the plan.
    page.goto(f"{live_server}/{prefix}/journeys/company-setup/questions/investor")
    for label in (words["hk_company"], words["yes"], words["no"], words["no"]):
        page.get_by_label(label, exact=True).check()
        page.get_by_role("button", name=words["continue"]).click()
    page.get_by_role("link", name=words["see_plan"]).click()
    documents_in_plan = page.locator("ul.plan-documents > li").count()

    # Apply: sign-in is asked for; a new account brings the founder back to the plan.
    submit(page, "form[action$='/apply']")
    assert "/account/sign-in" in page.url
    page.locator("a[href*='/account/sign-up']").first.click()
    page.fill("#display_name", "陳大文" if prefix == "zh-hant" else "Chan Tai Man")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    submit(page, "form[action$='/account/sign-up']")
    assert page.url.endswith("/journeys/company-setup/plan"), page.locator("main").inner_text()[:600]
    submit(page, "form[action$='/apply']")
    assert re.search(r"/cases/[0-9a-f-]{36}$", page.url), page.url
    case_url = page.url
    assert_accessible(page, f"case-draft-{prefix}", backend)

    # One form: each field once. Each document once.
    field_ids = page.locator("form[action$='/answers'] input:not([type=hidden])").evaluate_all(
        "els => els.map(e => e.id)"
    )
    assert len(field_ids) == len(set(field_ids)) >= 3
    for field_id in field_ids:
        page.fill(f"#{field_id}", VALID[field_id])
    submit(page, "form[action$='/answers']")
    codes = page.locator("li.document").evaluate_all("els => els.map(e => e.id.slice(4))")
    assert len(codes) == len(set(codes)) and len(codes) <= documents_in_plan
    for code in codes:
        page.set_input_files(
            f"#file-{code}", {"name": f"{code}.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        submit(page, f"#doc-{code} form")
    submit(page, "form[action$='/submit']")
    reference = re.search(r"HT-\d{4}-\d{6}", page.locator("h1").inner_text()).group(0)
    assert_accessible(page, f"case-submitted-{prefix}", backend)

    # Officers of the departments; the first two ready steps belong to two departments.
    factory = sessionmaker(bind=seeded_engine, expire_on_commit=False)
    with unit_of_work(factory, write=True) as s:
        founder = accounts.principal_for(accounts.user_by_email(s, email))
        case = cases.cases_of(s, founder)[0]
        ready = [t for t in case.tasks if t.state == "ready"]
        slugs = sorted({department_slug(s, t) for t in case.tasks})
        first, second = ready[0], next(t for t in ready if t.department_id != ready[0].department_id)
        first_slug, second_slug = department_slug(s, first), department_slug(s, second)
        person(s, f"one-{run}@example.org", officer_of=[first_slug])
        person(s, f"two-{run}@example.org", officer_of=[second_slug])
        person(s, f"rest-{run}@example.org", officer_of=slugs)
        first_name, second_name = (
            first.names[prefix.replace("zh-hant", "zh-Hant")],
            second.names[prefix.replace("zh-hant", "zh-Hant")],
        )
        first_field = first.fields[0]

    one_ctx, one = sign_in(browser, live_server, prefix, f"one-{run}@example.org")
    two_ctx, two = sign_in(browser, live_server, prefix, f"two-{run}@example.org")
    one.goto(f"{live_server}/{prefix}/officer/tasks")
    assert reference in one.content()
    assert_accessible(one, f"officer-queue-{prefix}", backend)
    one.get_by_role("link", name=first_name).first.click()
    submit(one, "form[action$='/claim']")
    assert_accessible(one, f"officer-task-{prefix}", backend)
    one.fill("#supplement-reason", words["reason"])
    one.check(f"#sf-{first_field}")
    submit(one, "form[action$='/supplement']")

    two.goto(f"{live_server}/{prefix}/officer/tasks")
    two.get_by_role("link", name=second_name).first.click()
    submit(two, "form[action$='/claim']")
    two.fill("#approve-result", "91440300EXAMPLE01")
    submit(two, "form[action$='/approve']")

    # The founder supplies only what was asked.
    page.goto(case_url)
    assert words["reason"] in page.content()
    page.fill(f"section.supplement #{first_field}", VALID[first_field])
    submit(page, "form[action*='/supplement']")
    one.reload()
    submit(one, "form[action$='/approve']")

    # Every other step, by the officer of the remaining departments, level after level.
    rest_ctx, rest = sign_in(browser, live_server, prefix, f"rest-{run}@example.org")
    for _ in range(20):
        rest.goto(f"{live_server}/{prefix}/officer/tasks")
        links = rest.locator("table.queue td a")
        row = next(
            (
                i
                for i in range(links.count())
                if reference in rest.locator("table.queue tbody tr").nth(i).inner_text()
            ),
            None,
        )
        if row is None:
            break
        links.nth(row).click()
        if rest.locator("form[action$='/claim']").count():
            submit(rest, "form[action$='/claim']")
        submit(rest, "form[action$='/approve']")

    page.goto(case_url)
    assert words["completed"] in page.locator("p.lead").inner_text()
    page.get_by_label(words["very_satisfied"], exact=True).check()
    submit(page, "form[action$='/rating']")
    assert words["very_satisfied"] in page.content()
    assert_accessible(page, f"case-completed-{prefix}", backend)

    with unit_of_work(factory) as s:
        assert cases.verify(s).ok
        assert s.get(cases.Rating, case.id).score == 5
    for ctx in (context, one_ctx, two_ctx, rest_ctx):
        ctx.close()
