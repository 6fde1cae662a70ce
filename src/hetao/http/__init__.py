"""Request plumbing shared by the HTTP adapters (``web`` pages and the ``api``)."""
