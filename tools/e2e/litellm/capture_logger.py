"""Test-only LiteLLM CustomLogger that records what LiteLLM passes to each hook.

Every hook call is appended as one JSON line to the file named by AGENTOPS_CAPTURE_FILE:
    {"seq": 3, "hook": "async_log_success_event", "args": {"kwargs": {...}, "response_obj": {...}, ...}}

The serializer never raises: datetimes become ISO strings, pydantic models are dumped, exceptions
become {"__type__", "message", ...}, anything else unknown becomes a truncated str(), depth is
capped and cycles are cut. Values under secret-looking keys are replaced (keys are dummies in our
tests anyway). Used by tools/e2e/litellm/capture-fixtures.mjs; never shipped.

Proxy config:  litellm_settings: { callbacks: ["capture_logger.capture_logger"] }
"""

import datetime
import json
import os
import threading

from litellm.integrations.custom_logger import CustomLogger

MAX_DEPTH = 14
MAX_STR = 4000
SECRET_KEYS = {
    "api_key",
    "authorization",
    "x-api-key",
    "openai-api-key",
    "master_key",
    "litellm_master_key",
    "langfuse_secret",
    "langfuse_secret_key",
    "langfuse_public_key",
    "arize_api_key",
}
EXCEPTION_ATTRS = ("status_code", "message", "llm_provider", "model", "num_retries", "max_retries", "litellm_debug_info")


def _jsonable(value, depth=0, path=None):
    path = path if path is not None else set()
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return value if len(value) <= MAX_STR else value[:MAX_STR] + "...<truncated>"
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes):
        return "<%d bytes>" % len(value)
    if depth >= MAX_DEPTH:
        return "<max depth>"
    if id(value) in path:
        return "<cycle>"
    path = path | {id(value)}
    try:
        if isinstance(value, BaseException):
            out = {"__type__": type(value).__name__, "str": _jsonable(str(value), depth + 1, path)}
            for attr in EXCEPTION_ATTRS:
                if hasattr(value, attr):
                    out[attr] = _jsonable(getattr(value, attr), depth + 1, path)
            return out
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                key = k if isinstance(k, str) else str(k)
                out[key] = "<redacted>" if key.lower() in SECRET_KEYS and v else _jsonable(v, depth + 1, path)
            return out
        if isinstance(value, (list, tuple, set, frozenset)):
            return [_jsonable(v, depth + 1, path) for v in value]
        dump = getattr(value, "model_dump", None)
        if callable(dump):
            return _jsonable(dump(), depth + 1, path)
        return "<%s> %s" % (type(value).__name__, _jsonable(str(value)[:500], depth + 1, path))
    except Exception as err:  # the logger must never break the call it observes
        return "<unserializable %s: %s>" % (type(value).__name__, err)


class CaptureLogger(CustomLogger):
    def __init__(self):
        super().__init__()
        self._lock = threading.Lock()
        self._seq = 0

    def _write(self, hook, **args):
        path = os.environ.get("AGENTOPS_CAPTURE_FILE")
        if not path:
            return
        try:
            with self._lock:
                self._seq += 1
                record = {"seq": self._seq, "hook": hook, "args": _jsonable(args)}
                with open(path, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps(record, default=str) + "\n")
        except Exception:
            pass

    def log_pre_api_call(self, model, messages, kwargs):
        self._write("log_pre_api_call", model=model, messages=messages, kwargs=kwargs)

    def log_post_api_call(self, kwargs, response_obj, start_time, end_time):
        self._write("log_post_api_call", kwargs=kwargs, response_obj=response_obj, start_time=start_time, end_time=end_time)

    def log_success_event(self, kwargs, response_obj, start_time, end_time):
        self._write("log_success_event", kwargs=kwargs, response_obj=response_obj, start_time=start_time, end_time=end_time)

    def log_failure_event(self, kwargs, response_obj, start_time, end_time):
        self._write("log_failure_event", kwargs=kwargs, response_obj=response_obj, start_time=start_time, end_time=end_time)

    async def async_log_success_event(self, kwargs, response_obj, start_time, end_time):
        self._write(
            "async_log_success_event", kwargs=kwargs, response_obj=response_obj, start_time=start_time, end_time=end_time
        )

    async def async_log_failure_event(self, kwargs, response_obj, start_time, end_time):
        self._write(
            "async_log_failure_event", kwargs=kwargs, response_obj=response_obj, start_time=start_time, end_time=end_time
        )


capture_logger = CaptureLogger()
