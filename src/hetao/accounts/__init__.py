"""Accounts: people, roles (applicant, officer of departments, administrator), sessions, passwords."""

from hetao.accounts.models import PasswordResetToken, RoleGrant, SignInFailure, User, WebSession
from hetao.accounts.people import (
    TooManyAttempts,
    end_session,
    normalise_email,
    principal_for,
    request_password_reset,
    reset_password,
    session_principal,
    sign_in,
    sign_up,
    start_session,
    user_by_email,
    valid_reset_token,
)
from hetao.accounts.principal import ROLES, Principal
from hetao.accounts.roles import LastAdministrator, grant_role, people_with_roles, revoke_role

__all__ = [
    "ROLES",
    "LastAdministrator",
    "PasswordResetToken",
    "Principal",
    "RoleGrant",
    "SignInFailure",
    "TooManyAttempts",
    "User",
    "WebSession",
    "end_session",
    "grant_role",
    "normalise_email",
    "people_with_roles",
    "principal_for",
    "request_password_reset",
    "reset_password",
    "revoke_role",
    "session_principal",
    "sign_in",
    "sign_up",
    "start_session",
    "user_by_email",
    "valid_reset_token",
]
