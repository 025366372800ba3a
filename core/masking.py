"""The one function that masks secrets (database passwords) in any text before it is shown."""

from __future__ import annotations

import re
from urllib.parse import unquote

MASK = "***"

# scheme://userinfo@host...: the userinfo runs to the LAST '@' before the path, query or
# fragment, so a password holding '@' (owner:p@ss@host) is masked whole.
_URL = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)(?P<rest>[^\s'\"<>]*)")
# password=..., in a URL's query (?password=) or a keyword/DSN string (host=h password=p),
# quoted ('it''s', "...") or bare up to the next separator (a ': ' after it is the
# message's own, as in "cannot open database URL: why").
_KEYWORD = re.compile(
    r"(?P<key>\b(?:password|passwd|pwd|sslpassword)\s*=\s*)"
    r"(?P<value>'(?:[^'\\]|\\.|'')*'?|\"[^\"]*\"?|[^\s&#'\"]*?(?=:?(?:\s|$)|[&#'\"]))",
    re.IGNORECASE,
)


def _mask_url(m: re.Match[str]) -> str:
    rest = m.group("rest")
    cut = min((i for i in (rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
    head, tail = rest[:cut], rest[cut:]
    at = head.rfind("@")
    if at >= 0:
        userinfo, host = head[:at], head[at:]
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":" + MASK
        head = userinfo + host
    return m.group("scheme") + head + tail


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
    m = _URL.match(url.strip())
    if m:
        rest = m.group("rest")
        cut = min((i for i in (rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
        userinfo = rest[:cut].rpartition("@")[0]
        if ":" in userinfo:
            found.append(userinfo.split(":", 1)[1])
    found += [v.strip("'\"") for v in (k.group("value") for k in _KEYWORD.finditer(url)) if v]
    return [f for f in found if f]


def print_masked_traceback() -> None:
    """traceback.print_exc(), with every password masked (a message may hold a URL)."""
    import sys
    import traceback

    print(mask_secrets(traceback.format_exc()), end="", file=sys.stderr)
