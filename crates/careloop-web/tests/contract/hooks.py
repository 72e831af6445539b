"""schemathesis hooks for careloop's contract test (run.sh sets SCHEMATHESIS_HOOKS to this file).

An Idempotency-Key names one request: the same key with another body is refused with
422 idempotency-key-reused, as docs/api.md and the document's IdempotencyKey parameter say (and as
the IETF Idempotency-Key draft asks). Generated data reuses short keys ("0") across different
requests, which would count as a valid request refused. So each generated key that the document's
pattern allows gets a suffix derived from the request it is sent with: a retry of the same request
keeps its key (and is replayed), a different request gets a different key. Nothing else is changed.
"""

import hashlib
import json
import re

import schemathesis

KEY_PATTERN = re.compile(r"^[!-~]([ -~]*[!-~])?$")
KEY_MAX = 255


def _fingerprint(case) -> str:
    body = case.body
    try:
        body = json.dumps(body, sort_keys=True, default=str)
    except (TypeError, ValueError):
        body = repr(body)
    headers = {k.lower(): v for k, v in (case.headers or {}).items() if k.lower() != "idempotency-key"}
    raw = repr((case.method, case.formatted_path, sorted((case.query or {}).items()), sorted(headers.items()), body))
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    if not case.headers:
        return
    for name in list(case.headers):
        if name.lower() != "idempotency-key":
            continue
        key = case.headers[name]
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            continue  # a negative case: leave it as generated
        suffix = "-" + _fingerprint(case)
        case.headers[name] = key[: KEY_MAX - len(suffix)] + suffix
