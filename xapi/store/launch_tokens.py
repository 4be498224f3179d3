"""Launch credentials: the one-time cmi5 auth token (and the Tin Can launch token) that lets one
launched content package write to this LRS for one learner and one registration, and nothing else.

The launching side (the online-course package) calls `issue_launch` and puts the returned fetch code
in the fetch URL; the fetch endpoint calls `redeem_fetch_code` once to get the auth token, which the
content sends as `Authorization: Basic <token>`. `lrs.protocol.authenticate` hands every Basic
credential to `launch_principal` first: launch keys start with KEY_PREFIX, so LRS clients are
unaffected. A launch credential may only
  - store statements whose actor is its learner and whose context.registration is its registration,
    and none of the verbs only the LMS may send (launched, satisfied, abandoned, waived);
  - read and write the State of its learner and registration and the Agent Profile of its learner;
  - read statements of its learner, Activity Profiles and Activities;
and it stops working when it expires or once the content has sent "terminated".

After statements from a launch are stored, the event LAUNCH_EVENT is recorded (payload: registration,
activity_id, verbs, score: the last scaled score sent) so that the launching side can evaluate moveOn
without this package knowing it.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import after_this_request, current_app, request

from lms.db import TZDateTime, utcnow
from lms.errors import PermissionDeniedError
from lms.extensions import db
from xapi.errors import UnauthorizedError
from xapi.store.identity import agent_hash

KEY_PREFIX = "cmi5-"
# The authority of every statement a launched course sends with its token: "launch:<key>".
AUTHORITY_PREFIX = "launch:"
LAUNCH_EVENT = "xapi.launch_statements"
DEFAULT_LIFETIME = timedelta(hours=8)
CMI5_ADL = "http://adlnet.gov/expapi/verbs/"
CMI5_W3ID = "https://w3id.org/xapi/adl/verbs/"
LMS_ONLY_VERBS = {CMI5_ADL + "launched", CMI5_W3ID + "satisfied", CMI5_W3ID + "abandoned", CMI5_W3ID + "waived"}
TERMINATED = CMI5_ADL + "terminated"


class LaunchCredential(db.Model):
    """One launch of one learner into one activity (a cmi5 AU or a Tin Can package)."""

    __tablename__ = "xapi_launch_credentials"

    id = sa.Column(sa.Integer, primary_key=True)
    key = sa.Column(sa.String(40), nullable=False, unique=True)
    fetch_hash = sa.Column(sa.String(64), nullable=True, unique=True)
    secret_hash = sa.Column(sa.String(64), nullable=True)
    actor = sa.Column(sa.Text, nullable=False)
    agent_hash = sa.Column(sa.String(40), nullable=False)
    registration = sa.Column(sa.String(36), nullable=False, index=True)
    activity_id = sa.Column(sa.Text, nullable=False)
    session_id = sa.Column(sa.String(36), nullable=False, default="")
    created_at = sa.Column(TZDateTime(), nullable=False, default=utcnow)
    expires_at = sa.Column(TZDateTime(), nullable=False)
    fetched_at = sa.Column(TZDateTime(), nullable=True)
    terminated_at = sa.Column(TZDateTime(), nullable=True)


class FetchRefusedError(Exception):
    """The fetch URL was used twice, has expired or never existed; `code` is the cmi5 error-code."""

    def __init__(self, code: str, text: str):
        super().__init__(text)
        self.code, self.text = code, text


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _token(key: str, secret: str) -> str:
    return base64.b64encode(f"{key}:{secret}".encode()).decode()


@dataclass(frozen=True)
class IssuedLaunch:
    credential: LaunchCredential
    fetch_code: str


def issue_launch(actor: dict, registration: str, activity_id: str,
                 lifetime: timedelta = DEFAULT_LIFETIME, session_id: str = "") -> IssuedLaunch:
    """A credential waiting for its fetch (cmi5): the fetch code goes into the fetch URL."""
    fetch_code = secrets.token_urlsafe(24)
    credential = LaunchCredential(
        key=KEY_PREFIX + secrets.token_hex(16), fetch_hash=_hash(fetch_code), actor=json.dumps(actor),
        agent_hash=agent_hash(actor), registration=registration.lower(), activity_id=activity_id,
        session_id=session_id, expires_at=utcnow() + lifetime)
    db.session.add(credential)
    db.session.flush()
    return IssuedLaunch(credential, fetch_code)


def issue_token(actor: dict, registration: str, activity_id: str, lifetime: timedelta = DEFAULT_LIFETIME) -> str:
    """A credential handed out at once (Tin Can launch puts it in the launch URL's auth parameter)."""
    issued = issue_launch(actor, registration, activity_id, lifetime)
    return redeem_fetch_code(issued.fetch_code)


def redeem_fetch_code(fetch_code: str) -> str:
    """The auth token for a fetch code, exactly once (cmi5 8.2: a second call is an error)."""
    credential = db.session.execute(sa.select(LaunchCredential).where(
        LaunchCredential.fetch_hash == _hash(fetch_code or "")).with_for_update()).scalar_one_or_none()
    if credential is None:
        raise FetchRefusedError("3", "Unknown fetch URL.")
    if credential.fetched_at is not None:
        raise FetchRefusedError("1", "The auth token of this launch has already been fetched.")
    if credential.expires_at <= utcnow():
        raise FetchRefusedError("2", "This launch has expired; launch the course again.")
    secret = secrets.token_urlsafe(24)
    credential.secret_hash, credential.fetched_at = _hash(secret), utcnow()
    db.session.flush()
    return _token(credential.key, secret)


def close_open_launches(registration: str, activity_id: str) -> list[LaunchCredential]:
    """End the sessions of this registration and activity whose content fetched its token but never
    sent "terminated" (cmi5: the LMS then records them as abandoned); their tokens stop working."""
    now = utcnow()
    open_ones = db.session.execute(sa.select(LaunchCredential).where(
        LaunchCredential.registration == registration.lower(), LaunchCredential.activity_id == activity_id,
        LaunchCredential.fetched_at.is_not(None), LaunchCredential.terminated_at.is_(None))
        .order_by(LaunchCredential.id)).scalars().all()
    for credential in open_ones:
        credential.terminated_at = now
    db.session.flush()
    return open_ones


def launch_authority(credential: LaunchCredential) -> dict:
    return {"objectType": "Agent", "name": "cmi5 launch",
            "account": {"homePage": current_app.config["BASE_URL"], "name": AUTHORITY_PREFIX + credential.key}}


# --- the LRS side --------------------------------------------------------------------------------


def launch_principal(key: str, secret: str, xreq) -> dict | None:
    """None when `key` is no launch key; else the authority of a valid launch credential allowed to
    make this request. Raises UnauthorizedError (bad/expired) or PermissionDeniedError (out of scope)."""
    if not key.startswith(KEY_PREFIX):
        return None
    credential = db.session.execute(sa.select(LaunchCredential).where(LaunchCredential.key == key)
                                    ).scalar_one_or_none()
    if (credential is None or credential.secret_hash is None
            or not hmac.compare_digest(credential.secret_hash, _hash(secret))):
        raise UnauthorizedError("Unknown or wrong launch credentials.")
    if credential.expires_at <= utcnow():
        raise UnauthorizedError("The launch credentials have expired; launch the course again.")
    _check_scope(credential, xreq)
    return launch_authority(credential)


def _same_agent(credential: LaunchCredential, raw) -> bool:
    try:
        agent = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return False
    return isinstance(agent, dict) and agent_hash(agent) == credential.agent_hash


def _check_scope(credential: LaunchCredential, xreq) -> None:
    endpoint, method = request.endpoint, xreq.method
    reading = method in ("GET", "HEAD")
    if endpoint == "xapi.statements":
        if reading:
            if not _same_agent(credential, xreq.args.get("agent")):
                raise PermissionDeniedError("Launch credentials read only their learner's statements (agent=...).")
            return
        _check_statements(credential, xreq)
        return
    if endpoint == "xapi.state":
        if not _same_agent(credential, xreq.args.get("agent")):
            raise PermissionDeniedError("Launch credentials reach only their learner's state.")
        if (xreq.args.get("registration") or "").lower() != credential.registration:
            raise PermissionDeniedError("Launch credentials reach only the state of their registration.")
        return
    if endpoint in ("xapi.agent_profile", "xapi.agents"):
        if not _same_agent(credential, xreq.args.get("agent")):
            raise PermissionDeniedError("Launch credentials reach only their learner's profile.")
        return
    if endpoint in ("xapi.activity_profile", "xapi.activities") and reading:
        return
    raise PermissionDeniedError("Launch credentials may not use this resource.")


def _check_statements(credential: LaunchCredential, xreq) -> None:
    if credential.terminated_at is not None:
        raise PermissionDeniedError("This launch session has terminated; launch the course again.")
    if xreq.mimetype != "application/json":
        raise PermissionDeniedError("Launch credentials send statements as application/json.")
    try:
        body = json.loads(xreq.body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return  # the Statements resource answers 400 for it
    batch = body if isinstance(body, list) else [body]
    verbs, score = [], None
    for statement in batch:
        if not isinstance(statement, dict):
            return  # invalid: the Statements resource answers 400
        if not _same_agent(credential, statement.get("actor")):
            raise PermissionDeniedError("The statement's actor is not the learner of this launch.")
        context = statement.get("context") if isinstance(statement.get("context"), dict) else {}
        if str(context.get("registration") or "").lower() != credential.registration:
            raise PermissionDeniedError("The statement's context.registration is not the one of this launch.")
        verb = (statement.get("verb") or {}).get("id") if isinstance(statement.get("verb"), dict) else None
        if verb in LMS_ONLY_VERBS:
            raise PermissionDeniedError(f"Only the LMS sends {verb} statements.")
        verbs.append(verb)
        result = statement.get("result") if isinstance(statement.get("result"), dict) else {}
        scaled = result["score"].get("scaled") if isinstance(result.get("score"), dict) else None
        if isinstance(scaled, (int, float)) and not isinstance(scaled, bool):
            score = float(scaled)
    if TERMINATED in verbs:
        credential.terminated_at = utcnow()
        db.session.flush()
    registration, activity_id = credential.registration, credential.activity_id

    @after_this_request
    def _announce(response):
        if 200 <= response.status_code < 300:
            from lms.events.services import record_event

            record_event(LAUNCH_EVENT, registration=registration, activity_id=activity_id,
                         verbs=[v for v in verbs if v], score=score)
        return response


def sent_by_launched_content(statement: dict) -> bool:
    """Whether a stored statement came from course content through a launch token (not from the platform)."""
    account = ((statement.get("authority") or {}).get("account") or {})
    return str(account.get("name", "")).startswith(AUTHORITY_PREFIX)
