"""All models, imported here so that ``Base.metadata`` knows every table."""

from backend.models.audit import AuditEntry
from backend.models.base import Base, utcnow
from backend.models.dues import (
    DuesAssessment,
    DuesMonth,
    DuesMonthBackup,
    Payment,
    PaymentItem,
    PaymentMethod,
    SlipSequence,
)
from backend.models.member import (
    Card,
    CardNumberSequence,
    CardState,
    DuesCategory,
    Member,
    MemberArchive,
    Membership,
    MemberStatus,
)
from backend.models.org import Organization, OrgType
from backend.models.users import (
    DeviceState,
    KioskDevice,
    KioskSession,
    LookupFailure,
    Role,
    StaffToken,
    User,
)

__all__ = [
    "AuditEntry",
    "Base",
    "Card",
    "CardNumberSequence",
    "CardState",
    "DeviceState",
    "DuesAssessment",
    "DuesCategory",
    "DuesMonth",
    "DuesMonthBackup",
    "KioskDevice",
    "KioskSession",
    "LookupFailure",
    "Member",
    "MemberArchive",
    "MemberStatus",
    "Membership",
    "OrgType",
    "Organization",
    "Payment",
    "PaymentItem",
    "PaymentMethod",
    "Role",
    "SlipSequence",
    "StaffToken",
    "User",
    "utcnow",
]
