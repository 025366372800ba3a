"""The one error a 13F file can raise: its message is meant for the user."""


class FilingFormatError(ValueError):
    """The file is not a 13F filing we can read safely; nothing was stored."""
