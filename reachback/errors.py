"""Domain errors raised by services and rendered in one place (web pages or API JSON)."""


class DomainError(Exception):
    status = 400
    code = "error"

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        # A message may be lazy (lazy_gettext): kept as the text of the language now in
        # force, so a flash, a log or a JSON body carries plain text.
        message = str(message)
        super().__init__(message)
        self.message = message
        self.fields = {name: text if isinstance(text, list | dict) else str(text)
                       for name, text in (fields or {}).items()}


class NotFound(DomainError):
    """No such object, or the caller may not see it (its existence is information)."""
    status, code = 404, "not_found"


class Forbidden(DomainError):
    """The caller may see the object but may not take this action."""
    status, code = 403, "forbidden"


class Conflict(DomainError):
    """The action is not allowed in the object's current status."""
    status, code = 409, "conflict"


class Gone(DomainError):
    """The object existed and the caller could read it, but it was withdrawn (a retracted
    response): the message says why."""
    status, code = 410, "retracted"


class Invalid(DomainError):
    """One or more fields are invalid; `fields` maps each to its message."""
    status, code = 422, "invalid"


class TooManyAttempts(DomainError):
    """Too many failed attempts: the caller must wait `seconds` before the next one (the
    answer carries Retry-After)."""
    status, code = 429, "too_many_requests"

    def __init__(self, message: str, seconds: int):
        super().__init__(message)
        self.seconds = seconds
