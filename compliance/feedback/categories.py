"""The names of the feedback categories, as the pages and the printed dossier show them."""

CATEGORY: dict[str, dict[str, str]] = {
    "zh": {
        "praise": "表扬", "attitude": "服务态度", "incompetent": "不能胜任",
        "tip_reported": "反映给付小费", "solicitation": "索取财物", "theft": "偷盗",
        "privacy": "谈论住户家庭情况", "facility_use": "使用住户设施",
        "outsiders": "带无关人员入户", "damage": "损坏财物", "lingering": "无故停留",
        "improper_relationship": "不正当关系", "other": "其他",
    },
    "en": {
        "praise": "praise", "attitude": "attitude", "incompetent": "incompetent",
        "tip_reported": "tip reported", "solicitation": "solicitation", "theft": "theft",
        "privacy": "privacy", "facility_use": "used facilities", "outsiders": "outsiders",
        "damage": "damage", "lingering": "lingering",
        "improper_relationship": "improper relationship", "other": "other",
    },
}  # fmt: skip
