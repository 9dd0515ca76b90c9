"""Signing in and out of the consoles.

Sign-in is limited per client address and per e-mail address (failures only, counted in
Redis so every web worker counts together): a password cannot be guessed faster than a few
tries a minute, and a person who types theirs wrong twice is not locked out.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_limiter import RateLimitExceeded
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ivr.core.audit import AuditAction
from ivr.web.click_to_call import client_address, limiter
from ivr.web.pages.access import SignedInUser, audit, home_for, signed_in

bp = Blueprint("console_auth", __name__, url_prefix="/console")

LIMIT_PER_ADDRESS = "10/minute;100/day"
LIMIT_PER_EMAIL = "5/minute;30/day"


class SignInForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])
    next = StringField()


def _email_key() -> str:
    return "email:" + (request.form.get("email") or "").strip().lower()[:254]


def _failed(response: Response) -> bool:
    return response.status_code == 401


@bp.get("/")
def index() -> Response:
    user = signed_in()
    if user is None:
        return redirect(url_for("console_auth.login"))
    return redirect(home_for(user))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    LIMIT_PER_ADDRESS,
    key_func=client_address,
    scope="login-per-address",
    methods=["POST"],
    deduct_when=_failed,
)
@limiter.limit(
    LIMIT_PER_EMAIL,
    key_func=_email_key,
    scope="login-per-email",
    methods=["POST"],
    deduct_when=_failed,
)
def login() -> Response | tuple[str, int] | str:
    form = SignInForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        return render_template("console/login.html", form=form)
    if not form.validate_on_submit():
        return render_template("console/login.html", form=form), 400
    accounts = current_app.extensions["ivr"].accounts
    account = accounts.authenticate(form.email.data or "", form.password.data or "")
    if account is None:
        audit(AuditAction.LOGIN_FAILED, f"email:{(form.email.data or '').strip().lower()}")
        flash("That e-mail and password do not match an active user.", "error")
        return render_template("console/login.html", form=form), 401
    user = SignedInUser(account)
    login_user(user)
    audit(AuditAction.LOGIN, f"user:{account.id}")
    return redirect(_safe_next(form.next.data) or home_for(user))


@bp.post("/logout")
def logout() -> Response:
    if signed_in() is not None:
        audit(AuditAction.LOGOUT)
    logout_user()
    return redirect(url_for("console_auth.login"))


@bp.errorhandler(RateLimitExceeded)
def _too_many(exceeded: RateLimitExceeded) -> tuple[str, int, dict[str, str]]:
    form = SignInForm()
    flash("Too many sign-in attempts. Wait a minute and try again.", "error")
    return render_template("console/login.html", form=form), 429, {"Retry-After": "60"}


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: ``?next=https://evil.example`` must not send anyone away."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
