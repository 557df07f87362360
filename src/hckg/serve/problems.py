"""HTTP errors a client can cause: a status, one sentence saying what is wrong and how to fix it."""


class Problem(Exception):
    """Answer the request with ``status`` and ``message`` (plain text, or a small page for browsers)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
