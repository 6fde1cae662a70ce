"""The one error hierarchy. Each error has a stable code and a translatable message (a whole
sentence with named placeholders, translated by the adapter in the negotiated language)."""

from __future__ import annotations

from dataclasses import dataclass, field

from hetao.core.i18n import N_


class HetaoError(Exception):
    """Base of all domain errors."""

    status = 400
    code = "core.error"
    message = N_("Something went wrong.")

    def __init__(self, message: str | None = None, *, code: str | None = None, **params: object):
        self.message = message or self.message
        self.code = code or self.code
        self.params = params
        super().__init__(self.message % params if params else self.message)


class NotFound(HetaoError):
    status = 404
    code = "core.not_found"
    message = N_("The page or resource you asked for does not exist.")


class PermissionDenied(HetaoError):
    status = 403
    code = "core.permission_denied"
    message = N_("You are not allowed to do that.")


class Conflict(HetaoError):
    status = 409
    code = "core.conflict"
    message = N_("That conflicts with the current state; reload and try again.")


class InvalidTransition(HetaoError):
    status = 409
    code = "core.invalid_transition"
    message = N_("That action is not possible in the current state.")


class MalformedRequest(HetaoError):
    """The address cannot be read: a NUL character, or bytes that are not UTF-8."""

    status = 400
    code = "core.malformed_request"
    message = N_("The address contains characters that are not allowed.")


class RequestTooLarge(HetaoError):
    status = 413
    code = "core.request_too_large"
    message = N_("What you sent is too large. Send a smaller file or shorter text.")


class ServiceUnavailable(HetaoError):
    """The site cannot answer just now: its database is down or restarting. Worth trying again."""

    status = 503
    code = "core.unavailable"
    message = N_("The service is briefly unavailable. Please try again in a moment.")
    #: Seconds after which a retry is likely to be answered (sent as ``Retry-After``).
    retry_after = 5


@dataclass
class Problem:
    """One problem found while validating input: where (a JSON path or field) and what."""

    path: str
    message: str
    params: dict[str, object] = field(default_factory=dict)
    severity: str = "error"  # or "warning"

    def render(self) -> str:
        text = self.message % self.params if self.params else self.message
        return f"{self.path}: {text}"


class ValidationFailed(HetaoError):
    status = 422
    code = "core.validation_failed"
    message = N_("The input is not valid.")

    def __init__(self, problems: list[Problem], message: str | None = None, **kw: object):
        self.problems = problems
        super().__init__(message, **kw)
