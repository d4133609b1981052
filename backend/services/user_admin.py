"""Administering staff users: their role and scope, activation, unlocking, password resets.

Creating users is ``users.create_user``; everything here changes an existing user, inside the
acting administrator's subtree, with an audit row (never a password hash in it).
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from backend.errors import Forbidden, Invalid
from backend.models import Organization, Role, User
from backend.services import audit
from backend.services.actor import Actor
from backend.services.scope import org_in_scope, path_in_scope
from backend.services.users import check_password_strength, end_all_sessions

_EXCLUDE = ("password_hash", "pin_hash", "staff_card_hash")


def users_in_scope(actor: Actor) -> Select:
    return (
        select(User, Organization)
        .join(Organization, User.org_id == Organization.id)
        .where(org_in_scope(actor))
        .order_by(Organization.code, User.username)
    )


def _check(actor: Actor, user: User) -> None:
    if not path_in_scope(actor, user.org.path):
        raise Forbidden("该用户不在您的管理范围内", code="out_of_scope")


def update_user(
    session: Session,
    actor: Actor,
    user: User,
    *,
    full_name: str,
    role: Role | str,
    org: Organization,
    active: bool,
) -> User:
    _check(actor, user)
    if not path_in_scope(actor, org.path):
        raise Forbidden("不能把用户的管理范围设到您的范围以外", code="out_of_scope")
    full_name = (full_name or "").strip()
    if not full_name or len(full_name) > 50:
        raise Invalid("姓名不能为空，且不超过50个字", code="user_full_name")
    role = Role(role)
    if user.id == actor.id and (not active or role is not user.role or org.id != user.org_id):
        raise Invalid("不能停用自己的账户或修改自己的角色和范围", code="user_self")
    before = audit.snapshot(user, exclude=_EXCLUDE)
    user.full_name, user.role, user.org_id, user.active = full_name, role, org.id, active
    if not active:
        end_all_sessions(session, user)
    session.flush()
    session.refresh(user)
    audit.record(
        session,
        actor,
        "user.update",
        "user",
        user.id,
        before=before,
        after=audit.snapshot(user, exclude=_EXCLUDE),
    )
    return user


def unlock_user(session: Session, actor: Actor, user: User) -> User:
    _check(actor, user)
    before = {"failed_logins": user.failed_logins, "locked_until": user.locked_until}
    user.failed_logins = 0
    user.locked_until = None
    session.flush()
    audit.record(session, actor, "user.unlock", "user", user.id, before=before)
    return user


def reset_password(session: Session, actor: Actor, user: User, password: str) -> User:
    """Set a new password; every sign-in of the user ends, a lock-out is lifted."""
    _check(actor, user)
    check_password_strength(password)
    session.commit()  # hashing takes tens of milliseconds: not while holding the write lock
    user.password_hash = generate_password_hash(password, method="scrypt")
    user.failed_logins = 0
    user.locked_until = None
    session.flush()
    end_all_sessions(session, user)
    audit.record(session, actor, "user.password_reset", "user", user.id)
    return user


def change_own_password(session: Session, user: User, current: str, new: str) -> User:
    """A signed-in user replaces their own password (the current one is asked again). Every
    sign-in of the user ends, this one included: the console signs in again afterwards."""
    if new == current:
        raise Invalid("新密码不能与原密码相同", code="weak_password")
    check_password_strength(new)
    stored = user.password_hash
    session.commit()  # hashing takes tens of milliseconds: not while holding the write lock
    if not check_password_hash(stored, current or ""):
        raise Invalid("原密码不正确", code="current_password")
    new_hash = generate_password_hash(new, method="scrypt")
    user.password_hash = new_hash
    session.flush()
    end_all_sessions(session, user)
    audit.record(session, Actor.for_user(user), "user.password_change", "user", user.id)
    return user
