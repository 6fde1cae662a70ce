"""The nine service categories and the four theme functions of the centre, with their names."""

from __future__ import annotations

from hetao.catalog.models import Category

#: Names and one-line summaries of each category in the three locales.
CATEGORY_INFO: dict[str, dict[str, dict[str, str]]] = {
    Category.government_affairs: {
        "name": {"zh-Hant": "政務", "zh-Hans": "政务", "en": "Government affairs"},
        "summary": {
            "zh-Hant": "商事登記、社保、公積金、就業及人才等政府服務。",
            "zh-Hans": "商事登记、社保、公积金、就业及人才等政务服务。",
            "en": "Company registration, social insurance, housing fund, employment and talent services.",
        },
    },
    Category.customs: {
        "name": {"zh-Hant": "海關", "zh-Hans": "海关", "en": "Customs"},
        "summary": {
            "zh-Hant": "報關單位備案、科研物品進口、檢疫審批及通關事務。",
            "zh-Hans": "报关单位备案、科研物资进口、检疫审批及通关事务。",
            "en": "Customs filing, import of research goods, quarantine approvals and clearance.",
        },
    },
    Category.public_security: {
        "name": {"zh-Hant": "公安", "zh-Hans": "公安", "en": "Public security"},
        "summary": {
            "zh-Hant": "港澳居民居住證、住宿登記、出入境及簽證證件。",
            "zh-Hans": "港澳居民居住证、住宿登记、出入境及签证证件。",
            "en": "Residence permits, accommodation registration, exit-entry and visa documents.",
        },
    },
    Category.traffic_police: {
        "name": {"zh-Hant": "交警", "zh-Hans": "交警", "en": "Traffic police"},
        "summary": {
            "zh-Hant": "香港駕駛執照換領、車輛登記、跨境車輛及交通違法處理。",
            "zh-Hans": "香港驾驶证换领、车辆登记、跨境车辆及交通违法处理。",
            "en": "Driving licence exchange, vehicle registration, cross-border vehicles, traffic offences.",
        },
    },
    Category.finance: {
        "name": {"zh-Hant": "金融", "zh-Hans": "金融", "en": "Finance"},
        "summary": {
            "zh-Hant": "個人及企業銀行戶口、跨境支付、外匯登記及科技融資。",
            "zh-Hans": "个人及企业银行账户、跨境支付、外汇登记及科技金融。",
            "en": "Personal and company bank accounts, cross-border payments, FX registration, tech finance.",
        },
    },
    Category.legal: {
        "name": {"zh-Hant": "法律", "zh-Hans": "法律", "en": "Legal"},
        "summary": {
            "zh-Hant": "公證、認證、仲裁、調解、法律援助及法律諮詢。",
            "zh-Hans": "公证、认证、仲裁、调解、法律援助及法律咨询。",
            "en": "Notarisation, attestation, arbitration, mediation, legal aid and legal advice.",
        },
    },
    Category.accounting: {
        "name": {"zh-Hant": "會計", "zh-Hans": "会计", "en": "Accounting"},
        "summary": {
            "zh-Hant": "代理記賬許可、會計師執業、財務報告及會計諮詢。",
            "zh-Hans": "代理记账许可、会计师执业、财务报告及会计咨询。",
            "en": "Bookkeeping licences, accountants' practice, financial reporting and advice.",
        },
    },
    Category.tax: {
        "name": {"zh-Hant": "稅務", "zh-Hans": "税务", "en": "Tax"},
        "summary": {
            "zh-Hant": "稅務登記、發票、個人所得稅優惠及企業稅收優惠。",
            "zh-Hans": "税务登记、发票、个人所得税优惠及企业税收优惠。",
            "en": "Tax registration, invoices, individual income tax incentives and corporate tax incentives.",
        },
    },
    Category.innovation: {
        "name": {"zh-Hant": "創新服務", "zh-Hans": "创新服务", "en": "Innovation services"},
        "summary": {
            "zh-Hant": "孵化、人才、資助及共享科研儀器。",
            "zh-Hans": "孵化、人才、资助及共享科研仪器。",
            "en": "Incubation, talent, subsidies and shared research instruments.",
        },
    },
}

#: URL slug of each category (lowercase English, kebab case).
CATEGORY_SLUGS: dict[str, str] = {c.value: c.value.replace("_", "-") for c in Category}
SLUG_CATEGORIES: dict[str, str] = {v: k for k, v in CATEGORY_SLUGS.items()}


def category_name(category: str, locale: str) -> str:
    return CATEGORY_INFO[category]["name"][locale]


def category_summary(category: str, locale: str) -> str:
    return CATEGORY_INFO[category]["summary"][locale]
