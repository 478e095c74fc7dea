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
from nexus.errors import Unauthorized
from nexus.ratelimit import (
    REFRESH_FAILURES_PER_ADDRESS,
    LoginThrottle,
    limiter,
    refused,
    register_limit,
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
