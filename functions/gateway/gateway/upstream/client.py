"""The provider client: retries, deadlines and failures, for every provider API.

This class speaks the OpenAI-compatible chat-completions API (OpenAI, Google, xAI, DeepSeek,
the local echo); `upstream/anthropic.py` and `upstream/bedrock.py` subclass it and replace only
the wire: where a call goes, its headers and body, and how an answer is read (the hooks at the
end of the class). Everything below the wire is written once, here.

Retries (connect errors, 408, 429, 500, 502, 503, 504) happen only here and only
before the response has started, so a caller never sees half an answer followed by
a different one. Backoff is jittered and honours `Retry-After`, but never sleeps
past the deadline. Provider failures become gateway errors with our own messages:
a provider's 401 is about *our* key, so it is reported as a 502, never as the
caller's fault. Answers leave this module as typed `Piece`s (`upstream/read.py`),
so nothing a provider adds beyond the known fields goes any further.

What failed is logged for the operator (provider, host, status or error type;
never a body, which could quote the request): a wrong base URL or a stopped local
model server is then one log line away, not a guess behind a 502.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from gateway.answers import Piece
from gateway.catalog import Catalog, ModelSpec
from gateway.errors import (
    GatewayError,
    ProviderNotConfigured,
    UpstreamBadRequest,
    UpstreamError,
    UpstreamTimeout,
)
from gateway.secret_store import ProviderKeys
from gateway.settings import PROVIDER_KEY_VARS
from gateway.sse import DONE, SSEDecoder
from gateway.upstream.read import WrongShape, merge_text_deltas, read_chunk, read_completion

logger = logging.getLogger("gateway.upstream")

# 529 is Anthropic's "overloaded".
_RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 529})
_CLIENT_STATUSES = frozenset({400, 404, 413, 422})
_BACKOFF_BASE_S = 0.25
_BACKOFF_CAP_S = 4.0
_PROVIDERS_WITHOUT_KEYS = frozenset({"local"})
_MAX_ERROR_MESSAGE = 500


class AnswerStream(Protocol):
    """A streamed answer that has started: its pieces, the provider's status, a way to stop."""

    @property
    def pieces(self) -> AsyncIterator[Piece]: ...

    @property
    def status(self) -> int: ...

    async def aclose(self) -> None: ...


@dataclass
class UpstreamStream:
    """One provider stream whose response has started."""

    pieces: AsyncIterator[Piece]
    response: httpx.Response

    @property
    def status(self) -> int:
        return self.response.status_code

    async def aclose(self) -> None:
        """Stop reading: closes the connection, which cancels the provider's work."""
        aclose = getattr(self.pieces, "aclose", None)
        if aclose is not None:
            await aclose()
        await self.response.aclose()


class UpstreamClient:
    stream_media_type = "text/event-stream"

    def __init__(
        self,
        http: httpx.AsyncClient,
        catalog: Catalog,
        keys: ProviderKeys,
        *,
        max_retries: int,
        idle_timeout_s: float,
        sanitize_message: Callable[[str], str],
        sleep: Callable[[float], Any] = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._http = http
        self._catalog = catalog
        self._keys = keys
        self._max_retries = max_retries
        self._idle_timeout_s = idle_timeout_s
        self._sanitize = sanitize_message
        self._sleep = sleep
        self._jitter = jitter

    async def can_answer(self, spec: ModelSpec) -> bool:
        """Whether this model's provider has what a call needs (a key, unless it takes none)."""
        return spec.provider in _PROVIDERS_WITHOUT_KEYS or bool(await self._keys.get(spec.provider))

    # ------------------------------------------------------------------ the wire (subclasses)

    def _url(self, spec: ModelSpec, stream: bool) -> str:
        return self._catalog.base_url(spec.provider) + "/chat/completions"

    def _body(self, spec: ModelSpec, payload: dict[str, Any]) -> bytes:
        return json.dumps({**payload, "model": spec.upstream_model}, ensure_ascii=False).encode()

    async def _headers(self, spec: ModelSpec, url: str, body: bytes, stream: bool) -> dict[str, str]:
        """One attempt's headers (called per attempt: a signature may depend on the time)."""
        accept = "text/event-stream" if stream else "application/json"
        headers = {"content-type": "application/json", "accept": accept}
        if spec.provider not in _PROVIDERS_WITHOUT_KEYS:
            headers["authorization"] = f"Bearer {await self._key(spec)}"
        return headers

    async def _key(self, spec: ModelSpec) -> str:
        key = await self._keys.get(spec.provider)
        if not key:
            raise _not_configured(spec.provider)
        return key

    def _read_whole(self, body: Any) -> Piece:
        """A whole answer's JSON; ValueError when it is not one."""
        if not isinstance(body, dict) or not isinstance(body.get("choices"), list):
            raise WrongShape("not a chat completion")
        return read_completion(body)

    async def _decode(self, response: httpx.Response) -> AsyncGenerator[Piece | None]:
        """A stream's pieces, and None for whatever arrived that is no piece (a keep-alive), so
        the idle timer sees it; returns at the provider's end of answer, raises if it never came.

        Read one network chunk at a time: events that arrived together and only add text (the
        usual burst of content deltas) leave as one piece, so the guard, the writer and the
        caller's socket work once per burst instead of once per token. Text and its order per
        field are unchanged; only how it is cut into chunks differs, which the guard's output
        never depends on."""
        events = _EventReader()
        async for chunk in response.aiter_bytes():
            pieces, failure = _pieces_of(events.feed(chunk))
            for piece in merge_text_deltas(pieces):
                yield piece
            if failure is not None:
                raise failure
            if events.done:
                return
            yield None
        for data in events.close():
            yield _piece(data)
        if not events.done:
            raise UpstreamError("The provider's stream ended before it was complete.")

    # ------------------------------------------------------------------ calls

    async def complete(self, spec: ModelSpec, payload: dict[str, Any], deadline: float) -> Piece:
        """A non-streaming completion."""
        response = await self._send(spec, payload, deadline)
        failure: GatewayError
        try:
            async with asyncio.timeout(_remaining(deadline)):
                raw = await response.aread()
        except (TimeoutError, httpx.TimeoutException):
            failure = UpstreamTimeout("The provider did not finish answering in time.")
        except httpx.HTTPError:
            failure = UpstreamError("The provider connection failed while reading the answer.")
        else:
            try:
                return self._read_whole(json.loads(raw))
            except ValueError:  # not JSON, or JSON of the wrong shape (WrongShape)
                pass
            failure = UpstreamError("The provider sent an answer that is not a chat completion.")
        finally:
            await response.aclose()
        failure.upstream_status = response.status_code  # it answered; the audit says so
        raise failure

    async def stream(self, spec: ModelSpec, payload: dict[str, Any], deadline: float) -> UpstreamStream:
        """Open a streaming completion; retries are over once this returns."""
        response = await self._send(spec, payload, deadline)
        content_type = response.headers.get("content-type", "")
        if not content_type.startswith(self.stream_media_type):
            await response.aclose()
            raise UpstreamError("The provider did not answer with an event stream.")
        return UpstreamStream(pieces=self._pieces(response, deadline), response=response)

    async def _pieces(self, response: httpx.Response, deadline: float) -> AsyncIterator[Piece]:
        source = self._decode(response)
        try:
            while True:
                try:
                    async with asyncio.timeout(min(self._idle_timeout_s, _remaining(deadline))):
                        piece = await anext(source)
                except StopAsyncIteration:
                    return
                if piece is not None:
                    yield piece
        except WrongShape:
            raise UpstreamError("The provider sent a stream event of the wrong shape.") from None
        except (TimeoutError, httpx.TimeoutException):
            # Our idle timer and the pool's read timeout race for the same silence.
            raise UpstreamTimeout("The provider stopped sending before the answer was complete.") from None
        except httpx.HTTPError:
            raise UpstreamError("The provider connection broke during the answer.") from None
        finally:
            await source.aclose()
            await response.aclose()

    async def _send(self, spec: ModelSpec, payload: dict[str, Any], deadline: float) -> httpx.Response:
        stream = bool(payload.get("stream"))
        url = self._url(spec, stream)
        # Serialised once, so every attempt sends the same bytes with a Content-Length.
        body = self._body(spec, payload)
        attempt = 0
        while True:
            wait: float | None
            headers = await self._headers(spec, url, body, stream)
            try:
                async with asyncio.timeout(_remaining(deadline)):
                    request = self._http.build_request("POST", url, content=body, headers=headers)
                    response = await self._http.send(request, stream=True)
            except TimeoutError:
                raise UpstreamTimeout("The provider did not answer in time.") from None
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError) as exc:
                wait = self._backoff(attempt, None)
                cause = _cause(exc)
                failure: GatewayError = UpstreamError("The provider could not be reached.")
            except httpx.TimeoutException:
                raise UpstreamTimeout("The provider did not answer in time.") from None
            except httpx.HTTPError as exc:
                _log_failure(spec, url, _cause(exc), attempt + 1)
                raise UpstreamError("The provider could not be reached.") from None
            else:
                if response.status_code < 300:
                    return response
                failure = await self._failure(response, spec)
                failure.upstream_status = response.status_code
                cause = f"status {response.status_code}"
                wait = (
                    self._backoff(attempt, response.headers.get("retry-after"))
                    if response.status_code in _RETRY_STATUSES
                    else None
                )
            if wait is None or attempt >= self._max_retries or wait >= _remaining(deadline):
                _log_failure(spec, url, cause, attempt + 1)
                raise failure
            logger.debug("provider '%s': %s; retrying in %.2f s", spec.provider, cause, wait)
            attempt += 1
            await self._sleep(wait)

    def _backoff(self, attempt: int, retry_after: str | None) -> float:
        hinted = _retry_after_seconds(retry_after)
        if hinted is not None:
            return hinted
        ceiling: float = min(_BACKOFF_CAP_S, _BACKOFF_BASE_S * 2**attempt)
        return ceiling * (0.5 + self._jitter() / 2)

    async def _failure(self, response: httpx.Response, spec: ModelSpec) -> GatewayError:
        try:
            raw = await response.aread()
        except httpx.HTTPError:
            raw = b""
        finally:
            await response.aclose()
        status = response.status_code
        if status in _CLIENT_STATUSES:
            detail = self._sanitize(_provider_message(raw))[:_MAX_ERROR_MESSAGE]
            return UpstreamBadRequest(
                f"The provider rejected the request: {detail}"
                if detail
                else "The provider rejected the request."
            )
        if status in (401, 403):
            return UpstreamError(
                f"Provider '{spec.provider}' refused the gateway's credentials (status {status})."
            )
        if status == 429:
            return UpstreamError(f"Provider '{spec.provider}' is rate limiting the gateway.")
        return UpstreamError(f"Provider '{spec.provider}' failed (status {status}).")


def _not_configured(provider: str) -> ProviderNotConfigured:
    variable = PROVIDER_KEY_VARS.get(provider)
    local = f" For `make dev`, export {variable} before starting it." if variable else ""
    return ProviderNotConfigured(
        f"No API key is configured for provider '{provider}': put it under \"{provider}\" in the "
        f"providers secret (GATEWAY_PROVIDERS_SECRET).{local}"
    )


def _log_failure(spec: ModelSpec, url: str, cause: str, attempts: int) -> None:
    # The host names where the gateway looked (a wrong base URL shows at once); userinfo
    # in an overridden base URL would be a credential, so only host and port are kept.
    parts = urlsplit(url)
    host = f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)
    tries = f" after {attempts} attempts" if attempts > 1 else ""
    logger.warning("provider '%s' at %s failed%s: %s", spec.provider, host, tries, cause)


_PLAIN_CAUSES = {
    "ConnectionRefusedError": "connection refused",
    "gaierror": "host name not resolved",
    "TimeoutError": "timed out",
    "ConnectionResetError": "connection reset",
    "SSLCertVerificationError": "TLS certificate not trusted",
    "SSLError": "TLS failed",
}


def _cause(exc: BaseException) -> str:
    """What the network said, by type (never a message: httpx and aiohttp messages may
    carry the URL, and a URL may carry a query). The deepest OS error is the real cause:
    the httpx type on top can mislead (the aiohttp transport reports a refused
    connection as a ConnectTimeout)."""
    deepest: BaseException | None = None
    seen: BaseException | None = exc
    for _ in range(10):  # a chain, not a cycle
        if seen is None:
            break
        if isinstance(seen, OSError):
            deepest = seen
        seen = seen.__cause__ or seen.__context__
    if deepest is None:
        return type(exc).__name__
    name = type(deepest).__name__
    plain = _PLAIN_CAUSES.get(name)
    detail = f"{name} via {type(exc).__name__}"
    return f"{plain} ({detail})" if plain else detail


class _EventReader:
    """Bytes of an event stream in, complete events' data out, up to `[DONE]`.

    Lines end in LF, CRLF or CR (a CR at the end of a chunk waits for the next one,
    which may start with its LF). The complete lines of a chunk are decoded together, once
    (an LF is never part of a UTF-8 character, so no line's character is split, and an
    invalid byte becomes U+FFFD just as it would line by line); the incomplete last line
    waits, as bytes, for the rest of it."""

    def __init__(self) -> None:
        self._decoder = SSEDecoder()
        self._pending = b""
        self.done = False

    def feed(self, chunk: bytes) -> list[str]:
        data = self._pending + chunk
        if data.endswith(b"\r"):
            data, self._pending = data[:-1], b"\r"
        else:
            self._pending = b""
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        complete = data.rfind(b"\n") + 1
        self._pending = data[complete:] + self._pending
        if not complete:
            return []
        return self._events(data[: complete - 1].decode("utf-8", errors="replace").split("\n"))

    def close(self) -> list[str]:
        """What is left when the connection ends: a last line, an event without its blank line."""
        last, self._pending = self._pending.rstrip(b"\r"), b""
        out = self._events([last.decode("utf-8", errors="replace")] if last else [])
        for data in [] if self.done else self._decoder.close():
            if self._is_done(data):
                break
            out.append(data)
        return out

    def _events(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        for line in lines:
            if self.done:
                break
            for data in self._decoder.feed(line):
                if self._is_done(data):
                    break
                out.append(data)
        return out

    def _is_done(self, data: str) -> bool:
        self.done = self.done or data == DONE
        return self.done


def _remaining(deadline: float) -> float:
    return max(0.0, deadline - asyncio.get_running_loop().time())


def _piece(data: str) -> Piece:
    try:
        event = json.loads(data)
    except ValueError:
        raise UpstreamError("The provider sent a malformed stream event.") from None
    if not isinstance(event, dict):
        raise UpstreamError("The provider sent a malformed stream event.")
    if "error" in event and "choices" not in event:
        raise UpstreamError("The provider reported an error during the answer.")
    try:
        return read_chunk(event)
    except WrongShape:
        raise UpstreamError("The provider sent a stream event of the wrong shape.") from None


def _pieces_of(events: list[str]) -> tuple[list[Piece], GatewayError | None]:
    """The events read into pieces, up to the first bad one (whose error comes after them)."""
    pieces: list[Piece] = []
    for data in events:
        try:
            pieces.append(_piece(data))
        except GatewayError as exc:
            return pieces, exc
    return pieces, None


def _provider_message(raw: bytes) -> str:
    try:
        body = json.loads(raw)
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return str(error["message"])
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return str(body["message"])  # Bedrock's errors
    if isinstance(body, list) and body and isinstance(body[0], dict):
        # Gemini's compatibility endpoint wraps its error in a list.
        return _provider_message(json.dumps(body[0]).encode())
    return ""


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
