"""Who may do what: the one table of role × action, its level rule, and separation of duties.

Every staff endpoint of the API (``endpoint(..., action=)``) and every console page
(``login_required(action)``) names the action it performs, and the services that change money,
members or organizations check the same action again (``authorize``), so a call that bypasses the
web layer meets the same rule. *Where* an actor may act — its organization's subtree — is the
other half of the rule and stays in ``backend.services.scope``. The roles and the table are
described for readers in ``docs/roles.md``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from backend.errors import Forbidden
from backend.models import OrgType, Role
from backend.services.actor import Actor

# Levels from the top down; ``min_level`` means "this level or above".
LEVELS: tuple[OrgType, ...] = (
    OrgType.DISTRICT,
    OrgType.COMMITTEE,
    OrgType.GENERAL_BRANCH,
    OrgType.BRANCH,
)


class Action(enum.StrEnum):
    """What a staff user does. The value is the stable name used in tests and documents."""

    OWN_ACCOUNT = "own_account"
    READ = "read"
    AUDIT_READ = "audit.read"
    PAYMENT_TAKE = "payment.take"
    PAYMENT_VOID = "payment.void"
    DAY_CLOSE = "day_close"
    VOID_APPROVE = "void.approve"
    CARD_MANAGE = "card.manage"
    TRANSFER_MEMBER = "transfer.member"
    LETTER_ISSUE = "letter.issue"
    FUND_DONATE = "fund.donate"
    HONOR_EDIT = "honor.edit"
    HONOR_SERVICE_EDIT = "honor_service.edit"
    HONOR_SERVICE_ISSUE = "honor_service.issue"
    DISCLOSURE_DRAFT = "disclosure.draft"
    MEMBER_EDIT = "member.edit"
    DUES_SET = "dues.set"
    DUES_ASSESS_NEW = "dues.assess_new"
    NOTICE_HANDLE = "notice.handle"
    TRANSFER_ARRIVAL = "transfer.arrival"
    FLOATING_INTAKE = "floating.intake"
    VOLUNTEER_EDIT = "volunteer.edit"
    REMITTANCE_PREPARE = "remittance.prepare"
    REMITTANCE_CONFIRM = "remittance.confirm"
    DUES_USE = "dues.use"
    DUES_USE_APPROVE = "dues.use_approve"
    FUND_VOID = "fund.void"
    ORG_EDIT = "org.edit"
    ORG_MOVE = "org.move"
    IMPORT_RUN = "import.run"
    WAIVER_REQUEST = "waiver.request"
    WAIVER_APPROVE = "waiver.approve"
    DISCLOSURE_PUBLISH = "disclosure.publish"
    DISCLOSURE_CATEGORIES = "disclosure.categories"
    APPRAISAL_TEMPLATE = "appraisal.template"
    APPRAISAL_ROUND = "appraisal.round"
    APPRAISAL_SCORE = "appraisal.score"
    APPRAISAL_ADJUST = "appraisal.adjust"
    APPRAISAL_PUBLISH = "appraisal.publish"
    DEVELOPMENT_EDIT = "development.edit"
    DEVELOPMENT_APPROVE = "development.approve"
    TERM_EDIT = "term.edit"
    USER_ADMIN = "user.admin"
    DEVICE_ADMIN = "device.admin"
    CASE_ACCEPT = "case.accept"
    CASE_HANDLE = "case.handle"
    MEETING_RECORD = "meeting.record"
    COMMUNITY_REGISTER = "community.register"
    DEVICE_CONFIG = "device.config"


@dataclass(frozen=True)
class Rule:
    label: str  # what the action is, in the words users read
    roles: frozenset[Role]
    min_level: OrgType | None = None  # the actor's organization must be this level or above


ALL = frozenset(Role)
WINDOW = frozenset({Role.ADMIN, Role.ORG_STAFF, Role.COUNTER})
DESK = frozenset({Role.ADMIN, Role.ORG_STAFF})
ADMIN = frozenset({Role.ADMIN})

POLICY: dict[Action, Rule] = {
    Action.OWN_ACCOUNT: Rule("本人账户（登录信息、修改密码、绑定工作卡）", ALL),
    Action.READ: Rule("查询、统计、打印和导出本范围内的信息", ALL),
    Action.AUDIT_READ: Rule(
        "查看操作日志", frozenset({Role.ADMIN, Role.AUDITOR}), OrgType.DISTRICT
    ),
    Action.PAYMENT_TAKE: Rule("收缴党费、补打收据", WINDOW),
    Action.PAYMENT_VOID: Rule("作废缴费", WINDOW),
    Action.DAY_CLOSE: Rule("窗口日结（本人当日收款）、补打日结单", WINDOW),
    Action.VOID_APPROVE: Rule("审批日结后或已汇缴缴费的作废（冲正）", DESK, OrgType.COMMITTEE),
    Action.CARD_MANAGE: Rule("发卡、挂失、注销党员卡", WINDOW),
    Action.TRANSFER_MEMBER: Rule("办理党员组织关系接转（区内、转出、转入）", WINDOW),
    Action.LETTER_ISSUE: Rule("开具、补打、登记回执和作废介绍信与证明", WINDOW),
    Action.FUND_DONATE: Rule("收取党建基金捐款", WINDOW),
    Action.HONOR_EDIT: Rule("维护光荣榜", WINDOW),
    Action.HONOR_SERVICE_EDIT: Rule("维护荣誉服务合作场所、优惠项目和享受条件", DESK),
    Action.HONOR_SERVICE_ISSUE: Rule("登记荣誉服务使用、开具和补打荣誉服务通知单", WINDOW),
    Action.DISCLOSURE_DRAFT: Rule("起草党务公开内容", WINDOW),
    Action.MEMBER_EDIT: Rule("登记、修改和删除党员信息", DESK),
    Action.DUES_SET: Rule("核定或调整党员月交党费", DESK),
    Action.DUES_ASSESS_NEW: Rule("核定新转入党员党费", DESK, OrgType.COMMITTEE),
    Action.NOTICE_HANDLE: Rule("处理转入通知", DESK),
    Action.TRANSFER_ARRIVAL: Rule("登记转入党员报到", DESK),
    Action.FLOATING_INTAKE: Rule("登记和注销流入的流动党员", WINDOW),
    Action.VOLUNTEER_EDIT: Rule("维护志愿服务队、队员和活动记录，设置查询机活动签到", WINDOW),
    Action.REMITTANCE_PREPARE: Rule("编制和撤销党费汇缴单", DESK),
    Action.REMITTANCE_CONFIRM: Rule("确认和冲销党费汇缴", DESK),
    Action.DUES_USE: Rule("登记党费使用、生成党费公开草稿", DESK),
    Action.DUES_USE_APPROVE: Rule("记录支委会对党费使用的决定", DESK),
    Action.FUND_VOID: Rule("作废党建基金捐款收据", DESK),
    Action.ORG_EDIT: Rule("新建、修改、合并和撤销党组织", DESK),
    Action.ORG_MOVE: Rule("党组织整建制调整隶属关系", DESK),
    Action.IMPORT_RUN: Rule("批量导入党组织、党员、党员卡和党费", DESK),
    Action.WAIVER_REQUEST: Rule("提交党费减免申请", DESK),
    Action.WAIVER_APPROVE: Rule("审批党费减免申请", DESK),
    Action.DISCLOSURE_PUBLISH: Rule("审核、发布和撤回党务公开内容", DESK),
    Action.DISCLOSURE_CATEGORIES: Rule("设置党务公开栏目", ADMIN),
    Action.APPRAISAL_TEMPLATE: Rule("制定考核指标体系", DESK, OrgType.COMMITTEE),
    Action.APPRAISAL_ROUND: Rule("组织考核、民主评议、抽查和评定等次", DESK),
    Action.APPRAISAL_SCORE: Rule("填报考核自评、互评和上级评分及佐证材料", DESK),
    Action.APPRAISAL_ADJUST: Rule("考核加减分", DESK, OrgType.GENERAL_BRANCH),
    Action.APPRAISAL_PUBLISH: Rule("公布考核结果、推荐上光荣榜", DESK),
    Action.DEVELOPMENT_EDIT: Rule(
        "登记和推进发展党员（申请人、积极分子、发展对象）、发起公示", DESK
    ),
    Action.DEVELOPMENT_APPROVE: Rule("审批接收预备党员和预备党员转正", DESK, OrgType.COMMITTEE),
    Action.TERM_EDIT: Rule("登记党组织换届和新一届委员会", DESK),
    Action.USER_ADMIN: Rule("管理工作人员账户", ADMIN),
    Action.DEVICE_ADMIN: Rule("管理查询机", ADMIN, OrgType.DISTRICT),
    Action.CASE_ACCEPT: Rule(
        "受理党员诉求与申请（救助、就业、约谈、咨议、入党、转正、意见建议）", WINDOW
    ),
    Action.CASE_HANDLE: Rule("转办、答复、安排约谈和办结党员诉求", DESK),
    Action.MEETING_RECORD: Rule("计划和记录三会一课、主题党日，组织会议签到", DESK),
    Action.COMMUNITY_REGISTER: Rule("登记在职党员进社区报到", WINDOW),
    Action.DEVICE_CONFIG: Rule("设置查询机运行参数和维护PIN", ADMIN, OrgType.DISTRICT),
}


def _level_ok(org_type: OrgType | None, min_level: OrgType | None) -> bool:
    if min_level is None:
        return True
    if org_type is None:
        return False
    return LEVELS.index(org_type) <= LEVELS.index(min_level)


def role_may(role: Role | None, action: Action) -> bool:
    """Whether the role is listed for the action (the level is not looked at): for menus."""
    return role is not None and role in POLICY[action].roles


def allows(actor: Actor, action: Action) -> bool:
    """Whether the actor may perform the action at all. The system (CLI, migrations) may do
    everything; a kiosk device none of these staff actions."""
    if actor.type == "system":
        return True
    if actor.type != "user":
        return False
    rule = POLICY[action]
    return actor.role in rule.roles and _level_ok(actor.org_type, rule.min_level)


def authorize(actor: Actor, action: Action) -> None:
    """Refuse (403, ``role_forbidden``) an actor the policy does not allow to do ``action``."""
    if allows(actor, action):
        return
    rule = POLICY[action]
    if actor.type == "user" and actor.role in rule.roles and rule.min_level is not None:
        level = (
            "区级"
            if rule.min_level is OrgType.DISTRICT
            else f"{rule.min_level.label}或上级党组织的"
        )
        raise Forbidden(f"“{rule.label}”须由{level}工作人员办理", code="level_forbidden")
    raise Forbidden(f"您的账户没有使用此功能的权限（{rule.label}）", code="role_forbidden")


def require_other_person(
    actor: Actor,
    *,
    user_ids: Iterable[int | None] = (),
    names: Iterable[str | None] = (),
    message: str,
    code: str = "same_person",
) -> None:
    """Separation of duties: the actor must not be anyone who already acted on this item —
    who drafted or requested it, or who made an earlier approval. Users are compared by id or
    by user name (names are unique). The system actor is exempt: it records what people did
    elsewhere."""
    if actor.type != "user":
        return
    if actor.id in set(user_ids) or actor.name in set(names):
        raise Forbidden(message, code=code)
