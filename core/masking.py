"""The one function that masks secrets (database passwords) in any text before it is shown."""

from __future__ import annotations

import re
from urllib.parse import unquote

MASK = "***"

# scheme://user:password@host...: SQLAlchemy reads the password up to an '@' whatever it
# holds ('/', '?', '#', a space), and database_url takes the last '@' of the authority (see
# _userinfo_end). In a message a password may hold spaces only up to an '@' on its line
# and never ': ' (the message's own separator); anything else ends the URL at white space.
_URL = re.compile(
    r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)"
    r"(?P<rest>[^\s'\"<>:/@]*:(?:(?!:\s)[^'\"<>@\n])*@[^\s'\"<>]*|[^\s'\"<>]*)"
)
# password=..., in a URL's query (?password=) or a keyword/DSN string (host=h password=p),
# quoted ('it''s', "...") or bare up to the next separator (a ': ' after it is the
# message's own, as in "cannot open database URL: why").
_KEYWORD = re.compile(
    r"(?P<key>\b(?:password|passwd|pwd|sslpassword)\s*=\s*)"
    r"(?P<value>'(?:[^'\\]|\\.|'')*'?|\"[^\"]*\"?|[^\s&#'\"]*?(?=:?(?:\s|$)|[&#'\"]))",
    re.IGNORECASE,
)


def _userinfo_end(rest: str) -> int:
    """Where the user:password of `rest` (a URL after its scheme://) ends: the last '@'
    before the first '/', '?' or '#' that follows its first '@' (so the password may hold
    any of them, and '@'); -1 when the URL has no userinfo with a password."""
    first = rest.find("@")
    if first < 0:
        return -1
    stop = min((i for i in (rest.find(c, first) for c in "/?#") if i >= 0), default=len(rest))
    at = rest.rfind("@", 0, stop)
    user, colon, _ = rest[:at].partition(":")
    return at if colon and "/" not in user else -1  # SQLAlchemy: the user holds no ':' or '/'


def _mask_url(m: re.Match[str]) -> str:
    rest = m.group("rest")
    at = _userinfo_end(rest)
    if at >= 0:
        rest = rest[: rest.index(":")] + ":" + MASK + rest[at:]
    return m.group("scheme") + rest


def mask_secrets(text: str, *known: str) -> str:
    """`text` with every password masked: in a URL's user:password@ (an '@' inside the
    password included), in password=... (a URL's query, a libpq keyword/DSN string), and
    every occurrence of the `known` secrets (the password of the URL in use, as typed and
    decoded), wherever a driver's message repeats them."""
    text = _URL.sub(_mask_url, text)
    text = _KEYWORD.sub(lambda m: m.group("key") + MASK, text)
    forms = {f for s in known for f in (s, unquote(s))}
    forms |= {part for f in forms for part in f.split("@")}  # a tail taken for a host name
    for form in sorted(forms, key=len, reverse=True):
        if len(form) >= 3:  # shorter would mask ordinary words, and guesses little
            text = text.replace(form, MASK)
    return text


def url_password(url: str) -> list[str]:
    """The passwords a database URL holds (userinfo and query), as typed, for
    `mask_secrets(..., *known)`."""
    found = []
    if "://" in url:  # the whole value is the URL: its password may hold spaces too
        rest = url.strip().split("://", 1)[1]
        at = _userinfo_end(rest)
        if at >= 0:
            found.append(rest[rest.index(":") + 1 : at])
    found += [v.strip("'\"") for v in (k.group("value") for k in _KEYWORD.finditer(url)) if v]
    return [f for f in found if f]


def masked_excepthook(kind, value, tb) -> None:
    """sys.excepthook for a process whose messages may hold a database URL (the window):
    the traceback is printed with every password masked, as print_masked_traceback."""
    import sys
    import traceback

    text = "".join(traceback.format_exception(kind, value, tb))
    print(mask_secrets(text), end="", file=sys.stderr)


def print_masked_traceback() -> None:
    """traceback.print_exc(), with every password masked (a message may hold a URL)."""
    import sys
    import traceback

    print(mask_secrets(traceback.format_exc()), end="", file=sys.stderr)
