"""URL converters shared by every app."""


class IdConverter:
    """A database id in a URL: 1 to 18 digits, so that any id that matches fits a 64-bit column.

    Django's ``int`` converter accepts any length, and SQLite cannot bind a number beyond 2**63.
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
