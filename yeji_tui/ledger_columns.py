"""A ledger's columns and the words staff write in them: the English keys, the Chinese headers
exports write and staff's own ledgers have (with the other names they give a column), and the
stages, kinds, yes/no, industries and sources in English or Chinese."""

from __future__ import annotations

from models.records import INDUSTRIES, SOURCES

LEAD_COLUMNS = (
    "company",
    "project",
    "industry",
    "amount_wan",
    "is_industrial",
    "source",
    "unit",
    "stage",
    "found_on",
    "valid_since",
    "signed_on",
    "started_on",
    "dropped_reason",
)
ACTIVITY_COLUMNS = ("date", "unit", "kind", "led_by_principal", "destination", "company", "note")

STAGE_WORDS = {
    "lead": "lead",
    "线索": "lead",
    "negotiating": "negotiating",
    "洽谈": "negotiating",
    "在谈": "negotiating",
    "signed": "signed",
    "签约": "signed",
    "started": "started",
    "开工": "started",
    "dropped": "dropped",
    "终止": "dropped",
}
KIND_WORDS = {
    "trip": "trip",
    "外出招商": "trip",
    "visit": "visit",
    "接待考察": "visit",
    "接待客商": "visit",
    "promotion": "promotion",
    "推介会": "promotion",
    "training": "training",
    "培训会": "training",
    "培训": "training",
    "exchange": "exchange",
    "经验交流会": "exchange",
    "交流会": "exchange",
    "signing": "signing",
    "集中签约": "signing",
    "签约仪式": "signing",
    "groundbreaking": "groundbreaking",
    "集中开工": "groundbreaking",
    "开工仪式": "groundbreaking",
}
BOOL_WORDS = {
    "true": True,
    "1": True,
    "是": True,
    "yes": True,
    "y": True,
    "false": False,
    "0": False,
    "否": False,
    "no": False,
    "n": False,
    "": False,
}
INDUSTRY_WORDS = {i: i for i in INDUSTRIES} | {
    "smart_home": "智能家居",
    "fine_chemicals": "精细化工",
    "agriculture": "现代农业",
    "commerce": "商贸流通",
    "services": "现代服务业",
    "other": "其他",
}
SOURCE_WORDS = {s: s for s in SOURCES} | {
    "referral": "以商招商",
    "consultant": "委托招商",
    "promotion": "推介会",
    "park_partner": "园区合作",
    "trip": "外出招商",
    "walk_in": "来访",
    "other": "其他",
}

#: The columns' Chinese headers, as exports write them in Chinese and staff's ledgers have them.
CHINESE_HEADERS: dict[str, str] = {
    "company": "企业名称",
    "project": "项目名称",
    "industry": "行业",
    "amount_wan": "投资额(万元)",
    "is_industrial": "工业项目",
    "source": "来源",
    "unit": "责任单位",
    "stage": "阶段",
    "found_on": "发现日期",
    "valid_since": "有效线索日期",
    "signed_on": "签约日期",
    "started_on": "开工日期",
    "dropped_reason": "终止原因",
    "date": "日期",
    "kind": "类型",
    "led_by_principal": "主要负责人带队",
    "destination": "目的地",
    "note": "备注",
}
_HEADER_ALIASES: dict[str, str] = {
    "企业": "company",
    "公司": "company",
    "公司名称": "company",
    "项目": "project",
    "产业": "industry",
    "投资额": "amount_wan",
    "金额(万元)": "amount_wan",
    "投资金额(万元)": "amount_wan",
    "是否工业项目": "is_industrial",
    "线索来源": "source",
    "单位": "unit",
    "项目阶段": "stage",
    "上报日期": "valid_since",
    "活动日期": "date",
    "活动类型": "kind",
    "负责人带队": "led_by_principal",
    "地点": "destination",
    "对接企业": "company",
}
#: The columns whose cells are days (a workbook may keep them as day numbers).
DATE_COLUMNS = {"found_on", "valid_since", "signed_on", "started_on", "date"}


def column_key(header: str) -> str:
    """The column a header names: an English key, or its Chinese header (full-width brackets
    and spaces as staff type them are fine)."""
    cleaned = header.strip().replace("（", "(").replace("）", ")").replace(" ", "").lower()
    by_chinese = {v: k for k, v in CHINESE_HEADERS.items()} | _HEADER_ALIASES
    return by_chinese.get(cleaned, cleaned)
