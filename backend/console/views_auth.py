"""Sign-in, sign-out, the start page and the red warnings board."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from backend.console import add_menu_entry, console_bp
from backend.console.forms import Form
from backend.console.web import (
    actor,
    current_user,
    db,
    end_session,
    login_required,
    rollback,
    settings,
    signed_in_user,
    start_session,
    today,
)
from backend.errors import DomainError
from backend.http_security import client_address, note_sign_in_refusal
from backend.services import audit, org_stats, sign_in, user_admin, users, warnings_board
from backend.services.actor import Actor

add_menu_entry("首页", "console.home", section="工作台", order=10)
add_menu_entry("红色预警", "console.warnings", section="工作台", order=20)
WARNINGS_PREVIEW = 20


def _safe_next(target: str | None) -> str:
    """Only a path inside the console: never an address on another site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith("/console/"):
            return target
    return url_for("console.home")


@console_bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = Form(request.form if request.method == "POST" else None)
    if request.method == "POST":
        username = form.text("username", "用户名", required=True, max_len=50)
        password = request.form.get("password", "")
        if not password:
            form.error("password", "请填写密码")
        if form.ok and username:
            session_ = db()
            try:
                user = sign_in.verify_login(
                    session_, settings(), username, password, address=client_address()
                )
            except DomainError as exc:
                session_.commit()  # keep the failure count and any lock-out
                note_sign_in_refusal(exc)
                form.message = exc.message
            else:
                audit.record(session_, Actor.for_user(user), "user.login", "user", user.id)
                session_.commit()
                start_session(user)
                return redirect(_safe_next(request.args.get("next")))
    return render_template("console/login.html", form=form), 200 if form.ok else 400


@console_bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out everywhere: this browser, the user's other console sessions and API tokens."""
    user, _reason = signed_in_user()
    if user is not None:
        users.end_all_sessions(db(), user)
        audit.record(db(), Actor.for_user(user), "user.logout", "user", user.id)
        db().commit()
    end_session()
    flash("您已安全退出", "info")
    return redirect(url_for("console.login"))


@console_bp.get("/")
@login_required()
def home() -> ResponseReturnValue:
    user = current_user()
    summary = org_stats.summarize(db(), user.org, today())
    board = warnings_board.board(
        db(),
        actor(),
        today(),
        settings().dues,
        limit=0,
        meetings=settings().meetings,
        kiosk_offline_minutes=settings().kiosk_offline_minutes,
        hall=settings(),
    )
    return render_template("console/home.html", user=user, summary=summary, board=board)


@console_bp.get("/warnings")
@login_required()
def warnings() -> ResponseReturnValue:
    # A preview of each section; the full lists are the paged pages it links to.
    board = warnings_board.board(
        db(),
        actor(),
        today(),
        settings().dues,
        limit=WARNINGS_PREVIEW,
        meetings=settings().meetings,
        kiosk_offline_minutes=settings().kiosk_offline_minutes,
        hall=settings(),
    )
    return render_template("console/warnings.html", board=board, dues=settings().dues)


@console_bp.route("/password", methods=["GET", "POST"])
@login_required()
def own_password() -> ResponseReturnValue:
    form = Form(request.form if request.method == "POST" else None)
    if request.method == "POST":
        new = request.form.get("new", "")
        if new != request.form.get("again", ""):
            form.error("again", "两次输入的新密码不一致")
        if form.ok:
            try:
                user = user_admin.change_own_password(
                    db(), current_user(), request.form.get("current", ""), new
                )
            except DomainError as exc:
                rollback()
                form.fail(exc, {"current_password": "current", "weak_password": "new"})
            else:
                start_session(user)  # every other sign-in of the user has ended
                flash("密码已修改，您在其他地方的登录已退出", "success")
                return redirect(url_for("console.home"))
    return render_template("console/password.html", form=form), 200 if form.ok else 400
