"""Personal data (PIPL and PDPO): retention enforced by ``purge``, a person's copy of their data,
and closing an account."""

from hetao.privacy.people import CLOSED_NAME, EXPORT_FORMAT, close_account, closed_email, export_data
from hetao.privacy.retention import KINDS, PurgeReport, RetentionPolicy, orphan_files, purge

__all__ = [
    "CLOSED_NAME",
    "EXPORT_FORMAT",
    "KINDS",
    "PurgeReport",
    "RetentionPolicy",
    "close_account",
    "closed_email",
    "export_data",
    "orphan_files",
    "purge",
]
