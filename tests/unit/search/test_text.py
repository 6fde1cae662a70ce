"""Query understanding: script detection, Cantonese rewriting, normalisation, segmentation, correction."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from hetao.core.script import to_simplified, to_traditional_hk
from hetao.search.text import (
    Analyzed,
    Vocabulary,
    analyze,
    analyze_query,
    cantonese_to_standard,
    detect_script,
    did_you_mean,
    domain_terms,
)
from hetao.search.text.cantonese import table_rows

# --- detect_script -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("港澳居民居住證", "zh-Hant"),
        ("港澳居民居住证", "zh-Hans"),
        ("I just moved from HK", "en"),
        ("ＨＫ１２３", "en"),
        ("", "en"),
        ("我想申請港澳居民居住证", "mixed"),
        ("how to apply 回鄉證", "zh-Hant"),
        ("how to apply 回乡证", "zh-Hans"),
        ("深圳公司", "zh-Hant"),  # the same in both scripts: the default locale
        ("了解批准的周期", "zh-Hant"),  # characters shared by both scripts are no evidence
        ("獲准在內地連續居留一年或以上的香港居民，須在中心了解要求", "zh-Hant"),
    ],
)
def test_detect_script(text, script):
    assert detect_script(text) == script


# --- cantonese_to_standard ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("佢係香港人", "他是香港人"),
        ("我哋嘅關係", "我們的關係"),  # 係→是 must not break 關係
        ("仲裁", "仲裁"),
        ("仲有仲裁", "還有仲裁"),
        ("係數同埋體系", "係數和體系"),
        ("使唔使帶證件", "是否需要帶證件"),  # longest match first, not 使 + 唔→不
        ("唔使", "不用"),
        ("要唔要預約", "是否需要預約"),
        ("搬咗嚟深圳", "搬來深圳"),
        ("住喺福田", "住在福田"),
        ("點樣申請", "怎樣申請"),
        ("居住證點做", "居住證怎樣辦理"),
        ("要帶乜嘢文件", "要帶什麼文件"),
        ("邊度辦", "哪裡辦"),
        ("幾時開門", "什麼時候開門"),
        ("要幾耐", "要多長時間"),
        ("幾多錢", "多少錢"),
        ("邊個負責", "誰負責"),
        ("冇回鄉卡", "沒有回鄉證"),
        ("身分證", "身份證"),
        ("身份證", "身份證"),
        ("考車牌", "考駕駛執照"),
        ("粵港兩地車牌", "粵港兩地車牌"),
        ("開戶口", "開戶"),
        ("銀行戶口", "銀行賬戶"),
        ("影相", "拍照"),
        ("交稅", "納稅"),
        ("報稅", "申報納稅"),
        ("返屋企", "回家"),
        ("搵工", "找工作"),
        ("返工", "上班"),
        ("攞表畀佢", "領取表給他"),
        ("啲文件", "些文件"),
        ("回鄉證唔見咗", "回鄉證遺失"),
        # Simplified input gets Simplified output
        ("佢系香港人", "他是香港人"),
        ("点样喺深圳开公司", "怎样在深圳开公司"),
        ("关系同埋体系", "关系和体系"),
        # standard written Chinese is left alone
        ("在指定地點辦理，提交稅務資料", "在指定地點辦理，提交稅務資料"),
        ("往返深港工作，完成日期", "往返深港工作，完成日期"),
        ("电影相关的系统", "电影相关的系统"),
        ("特定品系動物", "特定品系動物"),
    ],
)
def test_cantonese_to_standard(text, expected):
    assert cantonese_to_standard(text) == expected


def test_cantonese_table_is_large_and_consistent():
    rows = table_rows()
    rewrites = [r for r in rows if r[0] != r[1]]
    assert len(rewrites) >= 60
    assert len({r[0] for r in rows}) == len(rows), "duplicate colloquial entries"
    # building both script forms raises on a conflict
    assert cantonese_to_standard("喺") == "在"


# --- analyze -----------------------------------------------------------------------------------------


def test_analyze_cantonese_company_question():
    a = analyze("點樣喺深圳開公司")
    assert isinstance(a, Analyzed)
    assert a.script == "zh-Hant"
    for part in ("怎样", "在", "开公司"):
        assert part in a.canonical
    assert "公司" in a.tokens
    assert "深圳" in a.tokens
    assert "怎样" not in a.tokens and "在" not in a.tokens


def test_analyze_terse_social_insurance_question():
    a = analyze("港人 社保 要帶乜文件")
    assert a.canonical == "港人 社保 要带什么文件"
    assert a.tokens == ("港人", "社保", "带", "文件")


def test_analyze_english_question_is_stemmed_without_stop_words():
    a = analyze("I just moved from HK, how do I register where I live?")
    assert a.script == "en"
    assert {"move", "regist", "live", "hk"} <= set(a.tokens)
    assert not {"i", "how", "do", "where", "the", "just", "from", ",", "?"} & set(a.tokens)


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("how to apply 回鄉證", ("appli", "回乡", "回乡证")),
        ("ＨＫ＄３００　Ｃ１", ("hk$300", "c1")),
        ("2023年", ("2023", "年")),
        ("HK$1,000 or 15%", ("hk$1000", "15%")),
        ("R&D expenses", ("r&d", "expens")),
        ("居住證？！", ("居住", "居住证")),
        ("我的居住证怎么办理呢", ("居住", "居住证", "办理")),
        ("港车北上", ("北上", "港车北上")),
        ("粤港两地车牌", ("粤港", "两地", "车牌", "两地车牌", "粤港两地车牌")),
        ("报关单位备案", ("报关", "单位", "报关单位", "备案", "报关单位备案")),
        ("港澳居民居住证", ("港澳", "居民", "港澳居民", "居住", "居住证", "港澳居民居住证")),
    ],
)
def test_analyze_tokens(text, tokens):
    assert analyze(text).tokens == tokens


def test_full_width_and_case_are_folded():
    a = analyze("ＨＫ　居住證　ＡＢＣ１２３")
    assert a.canonical == "hk 居住证 abc123"
    assert "abc123" in a.tokens


@pytest.mark.parametrize(
    "sentence",
    [
        "港澳居民居住證首次申領",
        "點樣喺深圳開公司",
        "香港居民個人所得稅綜合所得年度匯算",
        "入境特殊物品衞生檢疫審批（科研生物材料）",
        "我想申請港澳居民居住证，要帶乜嘢文件？",
        "粵港兩地車牌（配額）申請指引及內地號牌辦理",
    ],
)
def test_traditional_and_simplified_forms_give_the_same_tokens(sentence):
    tokens = analyze(sentence).tokens
    assert tokens
    assert analyze(to_simplified(sentence)).tokens == tokens
    assert analyze(to_traditional_hk(to_simplified(sentence))).tokens == tokens


def test_domain_dictionary_has_the_service_terms():
    terms = set(domain_terms())
    for term in ("居住证", "回乡证", "港车北上", "报关", "两地牌", "通行证", "营业执照", "社保", "数电发票"):
        assert term in terms
    assert all(to_simplified(t) == t for t in terms), "terms.txt is in Simplified Chinese"


def test_analyze_is_thread_safe():
    texts = ["點樣喺深圳開公司", "港人 社保 要帶乜文件", "how to apply 回鄉證"] * 20
    expected = [analyze(t).tokens for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(lambda t: analyze.__wrapped__(t).tokens, texts)) == expected


def test_analyze_is_fast():
    base = "在合作區工作的香港居民，可在中心公安窗口遞交首次申請港澳居民居住證，由居住地派出所審核。" * 5
    texts = [(base[i:] + base[:i])[:200] for i in range(50)]  # all different, so no cache helps
    analyze.__wrapped__(base)
    start = time.perf_counter()
    for text in texts:
        analyze.__wrapped__(text)
    assert (time.perf_counter() - start) / len(texts) < 0.005


# --- fuzzy correction --------------------------------------------------------------------------------

#: The vocabulary of a small index, built as the search index builds it: the tokens of analysed documents.
DOCUMENTS = [
    "港澳居民居住證首次申領",
    "報關單位備案",
    "電子營業執照下載及使用",
    "香港居民參加社會保險登記（社保）",
    "依法辦理",
    "Register a company",
    "Residence permit for Hong Kong residents",
    "Operations of the hall",
    "Exchanging a driving licence",
    "Upload an image",
    "Cross-boundary bridge, worth knowing, for senior staff",
]
VOCAB = Vocabulary(t for doc in DOCUMENTS for t in set(analyze(doc).tokens))


@pytest.mark.parametrize(
    ("query", "corrections"),
    [
        ("居住正", (("居住正", "居住证"),)),  # homophone: ju zhu zheng
        ("港澳居民居住正首次申領", (("港澳居民居住正", "港澳居民居住证"),)),
        ("营业直照", (("营业直照", "营业执照"),)),
        ("報光單位", (("报光单位", "报关单位"),)),  # near homophone: guang/guan
        ("社宝", (("社宝", "社保"),)),  # a two-character domain term
        ("regsiter company", (("regsiter", "register"),)),
        ("drivng licence", (("drivng", "driving"),)),  # shown as a word of the documents
        ("residnce permit", (("residnce", "residence"),)),
        ("imigration", ()),  # imigr ~ imag, but no word with that stem is close to what was typed
        ("深圳", ()),  # a real word, not in the vocabulary: left alone
        ("公司", ()),
        ("在深圳開公司", ()),
        ("意法半導體", ()),  # 依法 is a homophone but not a domain term: two characters are not enough
        ("保管", ()),  # a real word is not turned into the domain term 报关
        ("open a bank account", ()),  # short English words are left alone (open → oper)
        ("moving north with my fridge", ()),  # other words, not slips: f/b and n/w are not neighbours
        ("sensor readings", ()),  # s/i: sensor is not a typo of senior
        ("residense permit", (("residense", "residence"),)),  # c/s sound alike
        ("regiater a company", (("regiater", "register"),)),  # s/a are neighbouring keys
        ("居住证", ()),
    ],
)
def test_analyze_query_corrections(query, corrections):
    a = analyze_query(query, VOCAB)
    assert a.corrections == corrections
    for _wrong, right in corrections:
        assert right in a.canonical


def test_corrected_tokens_use_the_corrected_term():
    a = analyze_query("居住正", VOCAB)
    assert "居住证" in a.tokens
    assert a.original == "居住正"


@pytest.mark.parametrize(
    ("typed", "word", "plausible"),
    [
        ("north", "worth", False),
        ("fridge", "bridge", False),
        ("sensor", "senior", False),
        ("regiater", "register", True),  # neighbouring keys
        ("documants", "documents", True),  # two vowels
        ("lisence", "licence", True),  # sound alike
        ("workstaion", "workstation", True),  # a letter left out
        ("registartion", "registration", True),  # neighbouring letters swapped
    ],
)
def test_plausible_typos(typed, word, plausible):
    from hetao.search.text.fuzzy import plausible_typo

    assert plausible_typo(typed, word) is plausible


def test_analyze_query_without_vocabulary_is_analyze():
    assert analyze_query("居住正") == analyze("居住正")


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("居住正", "居住证"),
        ("深圳", None),
        ("居住证", None),
        ("regsit", "regist"),
        ("xyzzy", None),
        ("公司", None),
    ],
)
def test_vocabulary_correct(token, expected):
    assert VOCAB.correct(token) == expected
    assert ("居住证" in VOCAB) and ("居住正" not in VOCAB)


@pytest.mark.parametrize(
    ("query", "locale", "shown"),
    [
        ("居住正", "zh-Hant", "居住證"),
        ("居住正", "zh-Hans", "居住证"),
        ("點樣申請居住正", "zh-Hant", "點樣申請居住證"),  # the user's own wording is kept
        ("港澳居民居住正首次申領", "zh-Hans", "港澳居民居住证首次申领"),
        ("Regsiter company", "en", "Register company"),
        ("居住证", "zh-Hant", None),
    ],
)
def test_did_you_mean(query, locale, shown):
    assert did_you_mean(analyze_query(query, VOCAB), locale) == shown
