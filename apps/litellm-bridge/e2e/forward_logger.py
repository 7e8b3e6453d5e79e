"""Test-only LiteLLM CustomLogger (never shipped): posts each hook's arguments, as JSON, to AGENTOPS_E2E_FORWARD_URL,
where the e2e test hands them to AgentOpsLiteLLMHandler's methods of the same name.

    {"hook": "async_log_success_event", "args": {"kwargs": {...}, "response_obj": {...}, "start_time": "...", ...}}

Datetimes become ISO strings, pydantic objects their model_dump(), exceptions {"__type__", "str", status_code, ...},
other objects "<TypeName>"; cycles are cut. Proxy config: litellm_settings.callbacks: ["forward_logger.forward_logger"].
"""

import datetime
import json
import os
import urllib.request

from litellm.integrations.custom_logger import CustomLogger

EXCEPTION_FIELDS = ("status_code", "message", "llm_provider", "model", "num_retries", "max_retries")


def plain(value, seen=()):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if id(value) in seen:
        return "<cycle>"
    seen = (*seen, id(value))
    if isinstance(value, BaseException):
        fields = {name: plain(getattr(value, name), seen) for name in EXCEPTION_FIELDS if hasattr(value, name)}
        return {"__type__": type(value).__name__, "str": str(value), **fields}
    if isinstance(value, dict):
        return {str(key): plain(item, seen) for key, item in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [plain(item, seen) for item in value]
    if callable(getattr(value, "model_dump", None)):
        return plain(value.model_dump(), seen)
    return "<%s>" % type(value).__name__


class ForwardLogger(CustomLogger):
    def _forward(self, hook, **args):
        try:
            body = json.dumps({"hook": hook, "args": plain(args)}).encode()
            request = urllib.request.Request(
                os.environ["AGENTOPS_E2E_FORWARD_URL"], data=body, headers={"content-type": "application/json"}
            )
            urllib.request.urlopen(request, timeout=5).read()
        except Exception as error:  # a logger must never break the call it observes
            print("forward_logger: %s failed: %s" % (hook, error), flush=True)

    def log_pre_api_call(self, model, messages, kwargs):
        self._forward("log_pre_api_call", model=model, messages=messages, kwargs=kwargs)

    def log_post_api_call(self, kwargs, response_obj, start_time, end_time):
        self._forward("log_post_api_call", kwargs=kwargs, response_obj=response_obj, start_time=start_time, end_time=end_time)

    def log_success_event(self, kwargs, response_obj, start_time, end_time):
        self._forward("log_success_event", kwargs=kwargs, response_obj=response_obj, start_time=start_time, end_time=end_time)

    def log_failure_event(self, kwargs, response_obj, start_time, end_time):
        self._forward("log_failure_event", kwargs=kwargs, response_obj=response_obj, start_time=start_time, end_time=end_time)

    async def async_log_success_event(self, kwargs, response_obj, start_time, end_time):
        self._forward("async_log_success_event", kwargs=kwargs, response_obj=response_obj, start_time=start_time, end_time=end_time)

    async def async_log_failure_event(self, kwargs, response_obj, start_time, end_time):
        self._forward("async_log_failure_event", kwargs=kwargs, response_obj=response_obj, start_time=start_time, end_time=end_time)


forward_logger = ForwardLogger()
