from __future__ import annotations

from flask import Response

from nexus.accounts import services, tokens
from nexus.accounts.permissions import allow, current_principal, public
from nexus.accounts.roles import Role
from nexus.accounts.schemas import LoginIn, RefreshIn, RegisterIn, TokenOut, UserPublic
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response
from nexus.api.schemas import Message
from nexus.db import db
from nexus.ratelimit import limiter, login_account_key

bp = api_blueprint(
    "auth", __name__, url_prefix="/api/v1/auth", description="Sign-up, sign-in and tokens"
)


def _token_out(pair: tokens.TokenPair) -> TokenOut:
    return TokenOut(
        access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in
    )


def _login_limits() -> tuple[str, str]:
    from flask import current_app

    settings = current_app.extensions["settings"]
    return settings.login_limit_per_account, settings.login_limit_per_address


@bp.post("/register", responses={201: UserPublic, **errors(409, 422, 429)})
@public
def register(body: RegisterIn) -> Response:
    """Create a student or parent account."""
    user = services.create_user(
        db.session,
        email=body.email,
        password=body.password,
        role=Role(body.role),
        first_name=body.first_name,
        last_name=body.last_name,
    )
    return json_response(UserPublic.model_validate(user), 201)


@bp.post("/login", responses={200: TokenOut, **errors(401, 422, 429)})
@public
@limiter.limit(
    lambda: _login_limits()[0],
    key_func=login_account_key,
    deduct_when=lambda response: response.status_code == 401,
    scope="login-account",
)
@limiter.limit(lambda: _login_limits()[1], scope="login-address")
def login(body: LoginIn) -> Response:
    """Exchange e-mail and password for an access token and a refresh token."""
    user = services.authenticate(db.session, body.email, body.password)
    return json_response(_token_out(tokens.open_session(db.session, user)))


@bp.post("/refresh", responses={200: TokenOut, **errors(401, 422)})
@public
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
