from __future__ import annotations

from flask import Response, request

from nexus.accounts import recovery, services, tokens
from nexus.accounts.permissions import allow, current_principal, public
from nexus.accounts.roles import Role
from nexus.accounts.schemas import (
    EmailChangeIn,
    LoginIn,
    PasswordChangeIn,
    PasswordResetConfirmIn,
    PasswordResetIn,
    PostalAddressPublic,
    PostalAddressUpdate,
    RefreshIn,
    RegisterIn,
    TokenIn,
    TokenOut,
    UserPublic,
)
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response
from nexus.api.schemas import Message
from nexus.db import db
from nexus.errors import Unauthorized
from nexus.language import _
from nexus.ratelimit import (
    REFRESH_FAILURES_PER_ADDRESS,
    LoginThrottle,
    limiter,
    refused,
    register_limit,
    settings,
)

bp = api_blueprint(
    "auth", __name__, url_prefix="/api/v1/auth", description="Sign-up, sign-in and tokens"
)


def _token_out(pair: tokens.TokenPair) -> TokenOut:
    return TokenOut(
        access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in
    )


REGISTERED = (
    "Si cette adresse e-mail n'a pas encore de compte, il est créé : connectez-vous avec le mot "
    "de passe choisi. Sinon, rien n'est modifié et le titulaire du compte est prévenu."
)


@bp.post("/register", responses={202: Message, **errors(422, 429)})
@public
@limiter.limit(register_limit, scope="register-address")
def register(body: RegisterIn) -> Response:
    """Create a student or parent account.

    The answer is the same whether or not the e-mail already has an account (202): a taken
    e-mail changes nothing and its owner is notified. Throttled per client address.
    """
    services.register(
        db.session,
        email=body.email,
        password=body.password,
        role=Role(body.role),
        first_name=body.first_name,
        last_name=body.last_name,
    )
    return json_response(Message(message=REGISTERED), 202)


@bp.post("/login", responses={200: TokenOut, **errors(401, 422, 429)})
@public
def login(body: LoginIn) -> Response:
    """Exchange e-mail and password for an access token and a refresh token.

    Wrong passwords are throttled per account and address, per account, and per address
    (429 with ``Retry-After``); a correct password is never counted.
    """
    throttle = LoginThrottle(body.email)
    throttle.check()
    try:
        user = services.authenticate(db.session, body.email, body.password)
    except Unauthorized:
        throttle.failed()
        raise
    return json_response(_token_out(tokens.open_session(db.session, user)))


@bp.post("/refresh", responses={200: TokenOut, **errors(401, 422, 429)})
@public
@limiter.limit(REFRESH_FAILURES_PER_ADDRESS, deduct_when=refused, scope="refresh-address")
def refresh(body: RefreshIn) -> Response:
    """Rotate a refresh token: the old one stops working; replaying it revokes the session."""
    pair, _principal = tokens.rotate(db.session, body.refresh_token)
    return json_response(_token_out(pair))


@bp.post("/logout", responses={200: Message, **errors(401)})
@allow()
def logout() -> Response:
    """Revoke the current session: its access and refresh tokens stop working."""
    tokens.revoke_family(db.session, current_principal().session_id, reason="logout")
    return json_response(Message(message="Signed out."))


@bp.get("/me", responses={200: UserPublic, **errors(401)})
@allow()
def me() -> Response:
    """The signed-in user's account."""
    user = services.get_user(db.session, current_principal().user_id)
    return json_response(UserPublic.model_validate(user))


@bp.get("/me/postal-address", responses={200: PostalAddressPublic, **errors(401)})
@allow()
def get_postal_address() -> Response:
    """The address the caller's invoices are made out to (empty until given)."""
    user = services.get_user(db.session, current_principal().user_id)
    return json_response(PostalAddressPublic.model_validate(user))


@bp.put("/me/postal-address", responses={200: PostalAddressPublic, **errors(401, 422)})
@allow()
def set_postal_address(body: PostalAddressUpdate) -> Response:
    """Give the address invoices are made out to (documents already issued keep theirs)."""
    user = services.get_user(db.session, current_principal().user_id)
    user.postal_address = body.postal_address
    db.session.flush()
    return json_response(PostalAddressPublic.model_validate(user))


# --- Account recovery (docs/accounts.md) ---------------------------------------------------
# E-mailed tokens are 256-bit random values: guessing is hopeless, this only caps the noise.
TOKEN_FAILURES_PER_ADDRESS = "30 per minute"


def _bad_token(response: Response) -> bool:
    return response.status_code == 400


def _body_email() -> str:
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return services.normalise_email(email) if isinstance(email, str) else ""


def _user_key() -> str:
    return str(current_principal().user_id)


# One counter for the three routes that take an e-mailed token, one for the two that check the
# current password (a stolen access token must not turn them into a password oracle).
_token_failures = limiter.shared_limit(
    TOKEN_FAILURES_PER_ADDRESS, scope="account-token-address", deduct_when=_bad_token
)
_current_password_checks = limiter.shared_limit(
    lambda: settings().current_password_limit_per_user, scope="current-password", key_func=_user_key
)


@bp.post("/verify-email", responses={200: UserPublic, **errors(400, 422, 429)})
@public
@_token_failures
def verify_email(body: TokenIn) -> Response:
    """Prove the account's address with the token e-mailed to it."""
    user = recovery.verify_email(db.session, body.token)
    return json_response(UserPublic.model_validate(user))


@bp.post("/verify-email/resend", responses={202: Message, **errors(401, 409, 429)})
@allow()
@limiter.limit(
    lambda: settings().account_email_limit_per_user, key_func=_user_key, scope="verify-resend"
)
def resend_verification() -> Response:
    """E-mail a new verification link (the earlier ones stop working); throttled per user."""
    recovery.resend_verification(db.session, current_principal().user_id)
    return json_response(Message(message=_("A new verification e-mail has been sent.")), 202)


@bp.post("/password-reset", responses={202: Message, **errors(422, 429)})
@public
@limiter.limit(lambda: settings().password_reset_limit_per_address, scope="password-reset-address")
@limiter.limit(
    lambda: settings().password_reset_limit_per_email,
    key_func=_body_email,
    scope="password-reset-email",
)
def request_password_reset(body: PasswordResetIn) -> Response:
    """E-mail a password-reset link. The same 202 whether or not the address has an account;
    throttled per address and per client address."""
    recovery.request_password_reset(db.session, body.email)
    return json_response(
        Message(
            message=_(
                "If an account exists for this e-mail address, a link to choose a new password "
                "has just been sent to it."
            )
        ),
        202,
    )


@bp.post("/password-reset/confirm", responses={200: Message, **errors(400, 422, 429)})
@public
@_token_failures
def confirm_password_reset(body: PasswordResetConfirmIn) -> Response:
    """Set a new password with a reset token; every session of the account is signed out."""
    recovery.reset_password(db.session, body.token, body.new_password)
    return json_response(Message(message=_("Password changed; sign in with the new one.")))


@bp.post("/password", responses={200: Message, **errors(401, 422, 429)})
@allow()
@_current_password_checks
def change_password(body: PasswordChangeIn) -> Response:
    """Change the password; every other session is signed out, this one stays."""
    recovery.change_password(
        db.session, current_principal(), body.current_password, body.new_password
    )
    return json_response(Message(message=_("Password changed.")))


@bp.post("/email", responses={202: Message, **errors(401, 409, 422, 429)})
@allow()
@_current_password_checks
def request_email_change(body: EmailChangeIn) -> Response:
    """E-mail a confirmation link to the new address; the account keeps the old one until then."""
    recovery.request_email_change(
        db.session, current_principal(), body.new_email, body.current_password
    )
    return json_response(Message(message=_("Confirmation e-mail sent to the new address.")), 202)


@bp.post("/email/confirm", responses={200: UserPublic, **errors(400, 409, 422, 429)})
@public
@_token_failures
def confirm_email_change(body: TokenIn) -> Response:
    """Move the account to the address the confirmation token was sent to."""
    user = recovery.confirm_email_change(db.session, body.token)
    return json_response(UserPublic.model_validate(user))
