"""Chinese labels for the codes an item file uses (docs/bundle-format.md)."""
from flask_babel import lazy_gettext as _l

LEVELS = {"province": _l("省级"), "city": _l("市级"), "county": _l("县级"), "township": _l("乡镇级")}
CASE_KINDS = {"immediate": _l("即办件"), "promised": _l("承诺件")}
LIMIT_UNITS = {"workday": _l("个工作日"), "natural_day": _l("个自然日")}
MEDIA = {"paper": _l("纸质"), "electronic": _l("电子"), "both": _l("纸质或电子")}
PAYMENTS = {"bank": _l("银行缴款"), "window": _l("窗口收费"), "ticket": _l("拉票")}  # Zhoushan's three ways
FEE_STATUSES = {"due": _l("待缴"), "paid": _l("已缴"), "waived": _l("已减免")}
SPECIAL_PROCEDURES = {"hearing": _l("听证"), "testing": _l("检验检测"), "expert_review": _l("专家评审"),
                      "site_inspection": _l("现场勘查"), "inspection": _l("检查"), "appraisal": _l("鉴定"),
                      "quarantine": _l("检疫"), "bidding": _l("招标"), "auction": _l("拍卖")}


def label(table: dict, code) -> str:
    return str(table.get(code, code if code is not None else ""))
