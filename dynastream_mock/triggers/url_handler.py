"""A trigger handler that is a URL: a function in another runtime, invoked over HTTP.

Each invocation POSTs the event as JSON and takes a 2xx JSON body as the handler's return
value; a non-2xx answer, or an ``X-Amz-Function-Error`` header, is a function error, as
Lambda's Invoke reports one. So a Node or Java handler runs with every event source mapping
behaviour (batching, retries, bisecting, partial failures, filters, windows).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

#: How long one invocation may take on the wall clock before it counts as failed.
INVOKE_TIMEOUT_S = 30.0


class UrlFunctionError(Exception):
    """The function behind a URL failed the invocation (the message says how)."""


class UrlHandler:
    """Invokes the function at ``url`` with Lambda's Invoke contract."""

    __slots__ = ("url",)

    def __init__(self, url: str) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(
                f"a trigger handler given as text must be an http:// or https:// URL, got {url!r}"
            )
        self.url = url

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        request = urllib.request.Request(
            self.url,
            data=json.dumps(event).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-Amz-Invocation-Type": "RequestResponse",
                "Lambda-Runtime-Aws-Request-Id": str(getattr(context, "aws_request_id", "")),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=INVOKE_TIMEOUT_S) as answer:
                body = answer.read()
                function_error = answer.headers.get("X-Amz-Function-Error")
        except urllib.error.HTTPError as failed:
            text = failed.read()[:500].decode("utf-8", "replace")
            raise UrlFunctionError(f"{self.url} answered HTTP {failed.code}: {text}") from None
        except (urllib.error.URLError, OSError) as unreachable:
            raise UrlFunctionError(f"cannot invoke {self.url}: {unreachable}") from None
        if function_error:
            text = body[:500].decode("utf-8", "replace")
            raise UrlFunctionError(f"{self.url} reported a {function_error} error: {text}")
        if not body.strip():
            return None
        try:
            return json.loads(body)
        except ValueError:
            raise UrlFunctionError(
                f"{self.url} answered a body that is not JSON: {body[:200]!r}"
            ) from None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UrlHandler) and other.url == self.url

    def __hash__(self) -> int:
        return hash(("url-handler", self.url))

    def __repr__(self) -> str:
        return f"UrlHandler({self.url!r})"
