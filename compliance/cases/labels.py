"""Chinese names of case states and actions, for messages a person reads."""

from compliance.cases.models import CaseStatus

STATUS_ZH: dict[CaseStatus, str] = {
    CaseStatus.OPEN: "立案",
    CaseStatus.AWAITING_STATEMENT: "待申辩",
    CaseStatus.UNDER_REVIEW: "审查中",
    CaseStatus.DECISION_PROPOSED: "已提出处理建议",
    CaseStatus.APPROVED: "已批准",
    CaseStatus.NOTIFIED: "已送达",
    CaseStatus.APPEALED: "申诉中",
    CaseStatus.APPEAL_DECIDED: "申诉已决定",
    CaseStatus.FINAL: "决定生效",
    CaseStatus.EXECUTED: "已执行",
    CaseStatus.CLOSED: "已结案",
    CaseStatus.DISMISSED: "撤销(不构成违规)",
}

# By Action value (lifecycle.Action imports this module's neighbours, not the reverse).
ACTION_ZH: dict[str, str] = {
    "add_evidence": "补充证据",
    "request_statement": "要求申辩",
    "submit_statement": "提交申辩",
    "record_refusal": "记录拒绝申辩",
    "record_silence": "记录逾期未申辩",
    "propose": "提出处理建议",
    "amend": "修改处理建议",
    "record_union_notice": "记录通知工会",
    "record_union_reply": "记录工会意见",
    "approve": "批准",
    "dismiss": "撤销案件",
    "serve_notice": "送达处理决定",
    "acknowledge": "签收",
    "record_ack_refusal": "记录拒绝签收",
    "appeal": "申诉",
    "decide_appeal": "决定申诉",
    "finalize": "决定生效",
    "mark_executed": "标记已执行",
    "close": "结案",
    "annotate": "添加备注",
}
