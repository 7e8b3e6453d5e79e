/** Writes SSE streams and delayed JSON answers, applying the timing and failure parts of a scenario. */
import type { ServerResponse } from 'node:http';
import { setTimeout as sleepTimer } from 'node:timers/promises';
import type { Scenario } from './scenario.ts';

/** One SSE event. */
export interface StreamEvent {
  /** JSON payload, or the literal `[DONE]` terminator. */
  data: Record<string, unknown> | '[DONE]';
  /** SSE `event:` name (the Responses API names its events; chat completions do not). */
  event?: string;
  /** A content-bearing event: counted by `hangAfter` / `cutAfter`. */
  content: boolean;
}

/** Resolves after `ms`, or early (with false) when `signal` aborts. */
export async function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  try {
    await sleepTimer(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** Never resolves until `signal` aborts (client gone or server closing). */
export function hang(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function frame(event: StreamEvent): string {
  const data = event.data === '[DONE]' ? '[DONE]' : JSON.stringify(event.data);
  return event.event ? `event: ${event.event}\ndata: ${data}\n\n` : `data: ${data}\n\n`;
}

/**
 * Streams `events`. `ttftAt` is the index of the event the time-to-first-token delay precedes; later events are
 * spaced by `chunkDelayMs`.
 */
export async function writeStream(
  res: ServerResponse,
  events: StreamEvent[],
  scenario: Scenario,
  signal: AbortSignal,
  headers: Record<string, string>,
  ttftAt = 0,
): Promise<void> {
  res.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.flushHeaders();
  let contentSent = 0;
  for (const [index, event] of events.entries()) {
    const delay = index === ttftAt ? scenario.ttftMs : index > ttftAt ? scenario.chunkDelayMs : 0;
    if (!(await sleep(delay, signal))) return;
    if (event.content) {
      if (scenario.cutAfter !== undefined && contentSent >= scenario.cutAfter) {
        res.destroy();
        return;
      }
      if (scenario.hangAfter !== undefined && contentSent >= scenario.hangAfter) {
        await hang(signal);
        return;
      }
      contentSent++;
    }
    if (!(await flushWrite(res, frame(event), signal))) return;
  }
  res.end();
}

/**
 * Writes and waits for the flush, so that a later cut does not drop chunks that were already "sent". Resolves false
 * when the connection is gone.
 */
function flushWrite(res: ServerResponse, text: string, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(false);
    signal.addEventListener('abort', onAbort, { once: true });
    res.write(text, (error) => {
      signal.removeEventListener('abort', onAbort);
      resolve(!error);
    });
  });
}

/** Sends a JSON body after the scenario's first-token delay, or hangs / cuts the connection instead. */
export async function writeJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  scenario: Scenario,
  signal: AbortSignal,
  headers: Record<string, string>,
): Promise<void> {
  if (!(await sleep(scenario.ttftMs, signal))) return;
  if (scenario.cutAfter !== undefined) {
    res.destroy();
    return;
  }
  if (scenario.hangAfter !== undefined) {
    await hang(signal);
    return;
  }
  sendJson(res, status, body, headers);
}

/** Writes a JSON answer now. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}
