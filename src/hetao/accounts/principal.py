"""Who is acting: the signed-in person with their roles, and the permission checks on it."""

from __future__ import annotations

from dataclasses import dataclass, field

from hetao.core.errors import PermissionDenied

ROLES = ("officer", "admin")


@dataclass(frozen=True)
class Principal:
    user_id: str
    email: str
    display_name: str
    locale: str
    is_admin: bool = False
    #: Ids of the departments (directory organisations) this person is an officer of.
    officer_of: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_officer(self) -> bool:
        return bool(self.officer_of)

    def may_handle(self, department_id: str | None) -> bool:
        """Officers act only on their own departments' work."""
        return department_id is not None and department_id in self.officer_of

    def require_admin(self) -> None:
        if not self.is_admin:
            raise PermissionDenied()

    def require_officer_of(self, department_id: str | None) -> None:
        if not self.may_handle(department_id):
            raise PermissionDenied()
