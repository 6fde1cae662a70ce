"""一件事一次辦 pages through HTTP: one question per page, answers in a signed cookie, check your
answers, the early exit and the plan, in the three languages."""

from __future__ import annotations

import pytest

from hetao.web.journey_state import cookie_name
from tests.pages import csrf_of

LOCALES = ("zh-hant", "zh-hans", "en")
SLUG = "company-setup"
BASE = f"/en/journeys/{SLUG}"
# A Hong Kong company paying in capital from Hong Kong, small-scale VAT, no goods trade.
HK_COMPANY = [
    ("investor", "hk_company"),
    ("capital_from_abroad", "yes"),
    ("vat_general", "no"),
    ("trades_goods", "no"),
]


def answer(client, question, value, *, prefix="en", slug=SLUG, change=False):
    """Open a question page and post one answer (a value or a list of values), as a browser does."""
    query = "?change=1" if change else ""
    url = f"/{prefix}/journeys/{slug}/questions/{question}{query}"
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    return client.post(url, data={"csrf_token": csrf_of(page), question: value}, follow_redirects=False)


def answer_all(client, answers, *, prefix="en", slug=SLUG):
    response = None
    for question, value in answers:
        response = answer(client, question, value, prefix=prefix, slug=slug)
        assert response.status_code == 303, (question, response.status_code, response.text[:300])
    return response


def location(response) -> str:
    assert response.status_code == 303, response.status_code
    return response.headers["location"]


# -- every page type, three languages -------------------------------------------------------------


@pytest.mark.parametrize("prefix", LOCALES)
def test_every_journey_page_renders_in_each_language(client, prefix):
    base = f"/{prefix}/journeys"
    listing = client.get(base)
    assert listing.status_code == 200
    assert len(listing.soup.select("ul.journeys > li")) >= 6
    assert listing.soup.find("a", href=f"{base}/{SLUG}")

    start = client.get(f"{base}/{SLUG}")
    assert start.status_code == 200
    assert start.soup.find("a", href=f"{base}/{SLUG}/questions/investor")
    assert start.soup.select_one(".illustrative")

    question = client.get(f"{base}/{SLUG}/questions/investor")
    assert question.status_code == 200
    legend = question.soup.select_one("form fieldset legend h1")
    assert legend is not None and legend.get_text(strip=True)
    assert len(question.soup.select("input[type=radio][name=investor]")) == 3

    answer_all(client, HK_COMPANY, prefix=prefix)
    check = client.get(f"{base}/{SLUG}/check")
    assert check.status_code == 200
    assert len(check.soup.select(".summary-row")) == 4

    plan = client.get(f"{base}/{SLUG}/plan")
    assert plan.status_code == 200
    assert plan.soup.select(".plan-step")

    answer(client, "investor", "mainland", prefix=prefix, change=True)
    exit_page = client.get(f"{base}/{SLUG}/not-applicable")
    assert exit_page.status_code == 200
    assert exit_page.soup.find("a", href=f"/{prefix}/services")


def test_home_and_navigation_link_to_the_journeys(client):
    soup = client.get("/zh-hant/").soup
    assert soup.select_one("nav.main-nav a[href='/zh-hant/journeys']").get_text() == "一件事一次辦"
    assert soup.select_one("main a[href='/zh-hant/journeys']")
    assert client.get("/zh-hans/").soup.select_one("nav.main-nav a[href='/zh-hans/journeys']").get_text() == (
        "一件事一次办"
    )


def test_an_unknown_journey_or_question_is_not_found(client):
    assert client.get("/en/journeys/no-such-journey").status_code == 404
    assert client.get(f"{BASE}/questions/no-such-question").status_code == 404


# -- the questionnaire -----------------------------------------------------------------------------


def test_a_full_run_gives_a_plan_with_steps_in_order_and_each_document_once(client):
    first = answer(client, "investor", "hk_company")
    assert location(first) == f"{BASE}/questions/capital_from_abroad"
    last = answer_all(client, HK_COMPANY[1:])
    assert location(last) == f"{BASE}/check"

    check = client.get(f"{BASE}/check")
    rows = [
        (r.find("dt").get_text(strip=True), r.find("dd").get_text(strip=True))
        for r in check.soup.select(".summary-row")
    ]
    assert rows[0] == ("Who is the investor?", "A company incorporated in Hong Kong")
    assert rows[2][1] == "No"
    assert check.soup.find("a", href=f"{BASE}/plan")

    plan = client.get(f"{BASE}/plan?start=2026-03-02")
    soup = plan.soup
    stages = [
        [li["id"].removeprefix("step-") for li in stage.select(".plan-step")]
        for stage in soup.select("ol.stages > li.stage")
    ]
    flat = [key for stage in stages for key in stage]
    for before, after in [
        ("company-name-self-declaration", "hk-invested-company-registration"),
        ("hk-invested-company-registration", "company-seal-engraving-filing"),
        ("company-seal-engraving-filing", "hk-invested-company-basic-account"),
        ("hk-invested-company-basic-account", "new-company-tax-info-confirmation"),
        ("fdi-foreign-exchange-registration", "fie-capital-account-settlement"),
    ]:
        assert flat.index(before) < flat.index(after), (before, after)
    assert {"hk-document-attestation-guidance", "company-name-self-declaration"} == set(stages[0])
    assert "vat-general-taxpayer-registration" not in flat
    # Each step links to its service item; the critical path is marked and summed in working days.
    assert soup.select_one("#step-hk-invested-company-registration h4 a")["href"] == (
        "/en/services/hk-invested-company-registration"
    )
    assert soup.select(".plan-step.critical .critical-tag")
    assert "working day" in soup.select_one(".total-days").get_text()
    # Documents: each once, linked to the registry, with the steps that use it.
    documents = soup.select("ul.plan-documents > li")
    names = [li.find("a").get_text(strip=True) for li in documents]
    assert len(names) == len(set(names)) and len(names) >= 3
    permit = [li for li in documents if li.find("a", href="/en/documents/hk-macao-travel-permit")]
    assert len(permit) == 1 and len(permit[0].select(".meta a")) >= 3
    # Left-out items say why; the merged form asks each field once.
    excluded = soup.select_one("ul.excluded").get_text()
    assert "sole proprietorship" in excluded and "customs" in excluded.lower()
    assert "Company name" in soup.select_one("ul.plan-fields").get_text()
    # No online application yet: no link to a page that does not exist.
    assert not soup.find("a", href=f"{BASE}/apply")


def test_no_option_chosen_gives_an_error_summary_and_saves_nothing(client):
    response = answer(client, "investor", [])
    assert response.status_code == 422
    summary = response.soup.select_one(".error-summary")
    link = summary.find("a")
    assert link["href"] == "#investor" and link.get_text(strip=True) == "Answer this question."
    first_radio = response.soup.select("input[name=investor]")[0]
    assert first_radio["id"] == "investor"
    assert response.soup.select_one("fieldset")["aria-describedby"] == "investor-error"
    assert cookie_name(SLUG) not in response.headers.get("set-cookie", "")
    later = client.get(f"{BASE}/questions/capital_from_abroad", follow_redirects=False)
    assert location(later) == f"{BASE}/questions/investor"


def test_an_error_is_in_the_reader_s_language(client):
    response = answer(client, "investor", "not-an-option", prefix="zh-hant")
    assert response.status_code == 422
    assert response.soup.select_one(".error-summary h2").get_text() == "發現以下問題"


def test_dont_know_is_its_own_answer_and_leads_to_check_with_the_hall(client):
    page = client.get(f"{BASE}/questions/investor")
    answer(client, "investor", "hk_company")
    page = client.get(f"{BASE}/questions/vat_general", follow_redirects=False)
    assert location(page) == f"{BASE}/questions/capital_from_abroad"  # not reachable yet
    page = client.get(f"{BASE}/questions/capital_from_abroad")
    values = [i["value"] for i in page.soup.select("input[name=capital_from_abroad]")]
    assert values == ["yes", "no", "dont_know"]
    answer_all(client, [("capital_from_abroad", "yes"), ("vat_general", "dont_know"), ("trades_goods", "no")])
    check = client.get(f"{BASE}/check")
    assert "Don't know" in check.soup.select(".summary-row")[2].get_text()
    plan = client.get(f"{BASE}/plan").soup
    unsure = plan.select_one("section.unsure")
    assert unsure is not None
    assert unsure.select_one("#step-vat-general-taxpayer-registration")
    assert "Will annual sales exceed" in unsure.get_text()
    required = [li["id"] for li in plan.select("ol.stages .plan-step")]
    assert "step-vat-general-taxpayer-registration" not in required


def test_an_early_exit_explains_and_offers_ways_forward(client):
    response = answer(client, "investor", "mainland", prefix="zh-hant")
    assert location(response) == f"/zh-hant/journeys/{SLUG}/not-applicable"
    page = client.get(f"/zh-hant/journeys/{SLUG}/not-applicable")
    assert "內地企業" in page.soup.select_one(".lead").get_text()
    for href in ("/zh-hant/services", "/zh-hant/search", "/zh-hant/places/e-station"):
        assert page.soup.find("a", href=href), href
    # The plan and the later questions are not reachable after an exit.
    for path in ("plan", "check", "questions/capital_from_abroad"):
        follow = client.get(f"/zh-hant/journeys/{SLUG}/{path}", follow_redirects=False)
        assert location(follow) == f"/zh-hant/journeys/{SLUG}/not-applicable", path
    # Changing the answer leaves the exit behind.
    changed = answer(client, "investor", "hk_company", prefix="zh-hant")
    assert location(changed) == f"/zh-hant/journeys/{SLUG}/questions/capital_from_abroad"


def test_changing_an_earlier_answer_prunes_the_answers_that_no_longer_apply(client):
    answer_all(
        client,
        [
            ("investor", "hk_resident"),
            ("business_form", "company"),
            ("capital_from_abroad", "yes"),
            ("vat_general", "no"),
            ("trades_goods", "no"),
        ],
    )
    check = client.get(f"{BASE}/check")
    change = check.soup.find("a", href=f"{BASE}/questions/business_form?change=1")
    assert change is not None
    page = client.get(change["href"])
    assert page.soup.find("input", attrs={"value": "company"}).has_attr("checked")
    assert page.soup.select_one("a.back-link")["href"] == f"{BASE}/check"
    response = answer(client, "business_form", "sole_proprietor", change=True)
    assert location(response) == f"{BASE}/check"
    rows = client.get(f"{BASE}/check").soup.select(".summary-row dt")
    assert "Will the registered capital" not in " ".join(r.get_text() for r in rows)
    assert len(rows) == 4
    # Changing back asks the pruned question again, then returns to the check page.
    again = answer(client, "business_form", "company", change=True)
    assert location(again) == f"{BASE}/questions/capital_from_abroad?change=1"
    done = answer(client, "capital_from_abroad", "no", change=True)
    assert location(done) == f"{BASE}/check"


def test_back_goes_to_the_previous_question_asked(client):
    answer_all(client, [("investor", "hk_company")])
    page = client.get(f"{BASE}/questions/capital_from_abroad")
    assert page.soup.select_one("a.back-link")["href"] == f"{BASE}/questions/investor"
    first = client.get(f"{BASE}/questions/investor")
    assert first.soup.select_one("a.back-link")["href"] == BASE
    assert first.soup.find("input", attrs={"value": "hk_company"}).has_attr("checked")


def test_a_tampered_cookie_is_ignored(client):
    answer_all(client, HK_COMPANY)
    value = client.cookies.get(cookie_name(SLUG))
    payload, _, mac = value.rpartition(".")
    forged = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    client.cookies.set(cookie_name(SLUG), f"{forged}.{mac}")
    response = client.get(f"{BASE}/check", follow_redirects=False)
    assert location(response) == f"{BASE}/questions/investor"
    client.cookies.set(cookie_name(SLUG), "garbage")
    assert location(client.get(f"{BASE}/plan", follow_redirects=False)) == f"{BASE}/questions/investor"


def test_answers_of_one_journey_cannot_be_replayed_for_another(client):
    answer_all(client, HK_COMPANY)
    value = client.cookies.get(cookie_name(SLUG))
    client.cookies.set(cookie_name("startup-support"), value)
    response = client.get("/en/journeys/startup-support/check", follow_redirects=False)
    assert location(response) == "/en/journeys/startup-support/questions/company_registered"


def test_the_answers_cookie_is_http_only_and_same_site(client):
    response = answer(client, "investor", "hk_company")
    cookie = [c for c in response.headers.get_list("set-cookie") if c.startswith(cookie_name(SLUG))][0]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie


def test_a_question_not_reachable_yet_redirects_to_the_first_unanswered(client):
    response = client.get(f"{BASE}/questions/trades_goods", follow_redirects=False)
    assert location(response) == f"{BASE}/questions/investor"
    # A question that is not asked for these answers (business form, for a company investor).
    answer(client, "investor", "hk_company")
    response = client.get(f"{BASE}/questions/business_form", follow_redirects=False)
    assert location(response) == f"{BASE}/questions/capital_from_abroad"
    # A post to it saves nothing either.
    page = client.get(f"{BASE}/questions/capital_from_abroad")
    response = client.post(
        f"{BASE}/questions/trades_goods",
        data={"csrf_token": csrf_of(page), "trades_goods": "yes"},
        follow_redirects=False,
    )
    assert location(response) == f"{BASE}/questions/capital_from_abroad"
    assert location(client.get(f"{BASE}/check", follow_redirects=False)) == (
        f"{BASE}/questions/capital_from_abroad"
    )


def test_a_post_without_the_csrf_token_is_refused(client):
    client.get(f"{BASE}/questions/investor")
    response = client.post(f"{BASE}/questions/investor", data={"investor": "hk_company"})
    assert response.status_code == 403
    assert client.cookies.get(cookie_name(SLUG)) is None


def test_start_again_forgets_the_answers(client):
    answer_all(client, HK_COMPANY)
    start = client.get(BASE)
    assert start.soup.find("a", href=f"{BASE}/check")
    response = client.post(f"{BASE}/start-again", data={"csrf_token": csrf_of(start)}, follow_redirects=False)
    assert location(response) == f"{BASE}/questions/investor"
    assert location(client.get(f"{BASE}/check", follow_redirects=False)) == f"{BASE}/questions/investor"


def test_multi_choice_questions_use_checkboxes_and_keep_dont_know_apart(client):
    slug, base = "research-import", "/en/journeys/research-import"
    answer_all(client, [("has_mainland_entity", "yes"), ("customs_filed", "yes")], slug=slug)
    page = client.get(f"{base}/questions/goods")
    boxes = page.soup.select("input[type=checkbox][name=goods]")
    assert [b["value"] for b in boxes] == ["instruments", "consumables", "biological", "animals", "dont_know"]
    assert boxes[0]["id"] == "goods"
    mixed = answer(client, "goods", ["instruments", "dont_know"], slug=slug)
    assert mixed.status_code == 422
    assert "on its own" in mixed.soup.select_one(".error-summary").get_text()
    assert mixed.soup.find("input", attrs={"value": "instruments"}).has_attr("checked")
    chosen = answer(client, "goods", ["consumables", "instruments"], slug=slug)
    assert location(chosen) == f"{base}/questions/returns_to_hk"
    check_row = client.get(f"{base}/questions/goods").soup
    assert check_row.find("input", attrs={"value": "instruments"}).has_attr("checked")
    assert check_row.find("input", attrs={"value": "consumables"}).has_attr("checked")


def test_a_number_question_uses_a_labelled_text_input(client):
    slug, base = "startup-support", "/en/journeys/startup-support"
    answer_all(
        client,
        [
            ("company_registered", "yes"),
            ("hk_youth_founder", "yes"),
            ("support", ["high_tech"]),
            ("has_ip", "yes"),
        ],
        slug=slug,
    )
    page = client.get(f"{base}/questions/years_registered")
    field = page.soup.find("input", id="years_registered")
    assert field["inputmode"] == "decimal"
    assert page.soup.select_one("h1 label")["for"] == "years_registered"
    bad = answer(client, "years_registered", "many", slug=slug)
    assert bad.status_code == 422 and bad.soup.find("input", id="years_registered")["value"] == "many"
    assert answer(client, "years_registered", "1.5", slug=slug).status_code == 303


# -- the plan's start date --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "start", "expected"),
    [
        ("zh-hant", "2026-13-01", "請按「年-月-日」格式輸入開始日期"),
        ("zh-hans", "tomorrow", "请按“年-月-日”格式输入开始日期"),
        ("en", "1999-01-01", "Enter a start date between"),
    ],
)
def test_a_bad_start_date_gives_a_localised_error(client, prefix, start, expected):
    answer_all(client, HK_COMPANY, prefix=prefix)
    response = client.get(f"/{prefix}/journeys/{SLUG}/plan?start={start}")
    assert response.status_code == 422
    summary = response.soup.select_one(".error-summary")
    assert expected in summary.get_text()
    assert summary.find("a")["href"] == "#start"
    assert response.soup.find("input", id="start")["aria-invalid"] == "true"
    assert response.soup.select(".plan-step")  # the plan is still shown, from today


def test_the_start_date_moves_the_plan_across_the_spring_festival(client):
    answer_all(client, HK_COMPANY)
    soup = client.get(f"{BASE}/plan?start=2026-02-13").soup
    assert soup.select_one(".plan-summary time")["datetime"] == "2026-02-13"

    def dates(key):
        return [t["datetime"] for t in soup.select(f"#step-{key} .step-facts time")]

    # Saturday 14 February 2026 is an adjusted working day (補班); 15–23 February are holidays.
    assert dates("company-name-self-declaration") == ["2026-02-13", "2026-02-14"]
    assert dates("hk-invested-company-registration") == ["2026-02-14", "2026-02-24"]


# -- the JSON twins -----------------------------------------------------------------------------------


def test_the_api_lists_the_journeys_and_their_questions(client):
    listing = client.get("/api/v1/journeys?lang=zh-Hant")
    assert listing.status_code == 200
    slugs = [j["slug"] for j in listing.json()]
    assert SLUG in slugs and len(slugs) >= 6
    journey = client.get(f"/api/v1/journeys/{SLUG}", headers={"Accept-Language": "en"}).json()
    questions = {q["id"]: q for q in journey["questions"]}
    assert questions["investor"]["always_asked"] and not questions["business_form"]["always_asked"]
    assert [o["id"] for o in questions["capital_from_abroad"]["options"]] == ["yes", "no"]
    assert questions["capital_from_abroad"]["allows_dont_know"] is True
    missing = client.get("/api/v1/journeys/no-such-journey")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert client.get("/en/journeys").soup.find("link", rel="alternate", type="application/json")
