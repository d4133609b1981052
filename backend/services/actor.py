"""Who is acting: a staff user, a kiosk device or the system (CLI, migrations)."""

from __future__ import annotations

from dataclasses import dataclass

from backend.models import KioskDevice, OrgType, Role, User


@dataclass(frozen=True)
class Actor:
    type: str  # user | device | system
    id: int | None
    name: str
    role: Role | None = None
    org_id: int | None = None
    org_path: str | None = None  # root of the subtree this actor may touch; None = everything
    org_type: OrgType | None = None  # level of the actor's organization (policy)
    #: The person's name as printed on slips (经办人); ``name`` (the user name) goes to audits.
    full_name: str = ""

    @classmethod
    def for_user(cls, user: User) -> Actor:
        return cls(
            "user",
            user.id,
            user.username,
            user.role,
            user.org_id,
            user.org.path,
            user.org.type,
            user.full_name,
        )

    @classmethod
    def for_device(cls, device: KioskDevice) -> Actor:
        return cls("device", device.id, f"kiosk:{device.name}")

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls("system", None, name)

    @property
    def display_name(self) -> str:
        """Who a paper names as 经办人: the full name, the user name when there is none."""
        return self.full_name or self.name
