"""Test-only: run the four capture scenarios through the LiteLLM *SDK* (sync litellm.completion),
so that the sync hooks (log_success_event, log_failure_event) fire too; the proxy only calls the
async ones. Driven by capture-fixtures.mjs:

    <venv>/bin/python capture_sdk.py <api_base> <out_dir>

writes <out_dir>/sdk-<scenario>.jsonl (one CaptureLogger record per line).
"""

import os
import sys
import time

import litellm

from capture_logger import capture_logger

SCENARIOS = {
    "plain": dict(
        model="openai/stub-chat",
        messages=[{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Say hello."}],
        temperature=0.2,
        max_tokens=32,
        user="e2e-user-1",
        metadata={"agentops_session_id": "session-fixture-1", "tags": ["fixture"]},
    ),
    "stream": dict(
        model="openai/stub-chat",
        messages=[{"role": "user", "content": "Stream a greeting."}],
        stream=True,
        stream_options={"include_usage": True},
    ),
    "tool-call": dict(
        model="openai/stub-chat",
        messages=[{"role": "user", "content": "What is the weather in Paris?"}],
        tools=[
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "description": "Current weather for a city",
                    "parameters": {
                        "type": "object",
                        "properties": {"city": {"type": "string"}},
                        "required": ["city"],
                    },
                },
            }
        ],
        tool_choice="auto",
    ),
    "rate-limit-429": dict(
        model="openai/stub-rate-limit",
        messages=[{"role": "user", "content": "This will be rate limited."}],
        num_retries=2,
    ),
}


def main():
    api_base, out_dir = sys.argv[1], sys.argv[2]
    litellm.callbacks = [capture_logger]
    for name, params in SCENARIOS.items():
        path = os.path.join(out_dir, "sdk-%s.jsonl" % name)
        if os.path.exists(path):
            os.remove(path)
        os.environ["AGENTOPS_CAPTURE_FILE"] = path
        try:
            resp = litellm.completion(api_base=api_base, api_key="sk-dummy-not-a-secret", **params)
            if params.get("stream"):
                for _ in resp:
                    pass
            print("%s: ok" % name, flush=True)
        except Exception as err:
            print("%s: %s" % (name, type(err).__name__), flush=True)
        # Success/failure callbacks run on background threads / the logging worker.
        time.sleep(3)
    os.environ.pop("AGENTOPS_CAPTURE_FILE", None)


if __name__ == "__main__":
    main()
