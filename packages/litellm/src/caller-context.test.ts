import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { callerOf, remoteParent } from './caller-context.js';
import { callerOfKwargs } from './map-kwargs.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';
const TRACEPARENT = `00-${TRACE_ID}-${SPAN_ID}-01`;

function parentOf(context: ReturnType<typeof remoteParent>) {
  return context && trace.getSpanContext(context);
}

describe('remoteParent', () => {
  it('reads a W3C traceparent and tracestate as a remote, sampled parent', () => {
    const parent = parentOf(remoteParent(TRACEPARENT, 'vendor=abc,other=1'));
    expect(parent).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1, isRemote: true });
    expect(parent?.traceState?.get('vendor')).toBe('abc');
  });

  it('accepts a later version with extra fields and keeps the unsampled flag', () => {
    expect(parentOf(remoteParent(`01-${TRACE_ID}-${SPAN_ID}-00-extra`))).toMatchObject({ traceFlags: 0 });
  });

  it.each([
    ['version ff', `ff-${TRACE_ID}-${SPAN_ID}-01`],
    ['version 00 with extra fields', `00-${TRACE_ID}-${SPAN_ID}-01-extra`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN_ID}-01`],
    ['an all-zero span id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['upper-case hex', TRACEPARENT.toUpperCase()],
    ['a short trace id', `00-${TRACE_ID.slice(1)}-${SPAN_ID}-01`],
    ['garbage', 'not a traceparent'],
  ])('rejects %s', (_name, value) => {
    expect(remoteParent(value)).toBeUndefined();
  });
});

describe('callerOf', () => {
  it('prefers explicit request-metadata keys over headers, and reads headers case-insensitively', () => {
    const other = `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`;
    const caller = callerOf({
      metadata: [{ traceparent: TRACEPARENT, agentops_session_id: 'sess-meta' }],
      headers: [{ Traceparent: other, 'X-AgentOps-Session-Id': 'sess-header' }],
    });
    expect(parentOf(caller.parentContext)?.traceId).toBe(TRACE_ID);
    expect(caller.sessionId).toBe('sess-meta');
    const fromHeaders = callerOf({ metadata: [{}], headers: [{ Traceparent: [other], 'X-AgentOps-Session-Id': 's' }] });
    expect(parentOf(fromHeaders.parentContext)?.traceId).toBe('1'.repeat(32));
    expect(fromHeaders.sessionId).toBe('s');
  });

  it('reads metadata that LiteLLM kept as a JSON string', () => {
    const caller = callerOf({ metadata: [JSON.stringify({ traceparent: TRACEPARENT })], headers: [] });
    expect(parentOf(caller.parentContext)?.spanId).toBe(SPAN_ID);
  });

  it('finds nothing behind a throwing Proxy', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys');
        },
        get() {
          throw new Error('no values');
        },
      },
    );
    expect(callerOf({ metadata: [hostile], headers: [hostile] })).toEqual({});
  });

  it('finds nothing in garbage, and drops an invalid traceparent', () => {
    expect(callerOf({ metadata: ['MaxDepthExceeded', null, 5], headers: [[], 'x'] })).toEqual({});
    expect(callerOf({ metadata: [{ traceparent: 'bogus', agentops_session_id: '' }], headers: [] })).toEqual({});
  });
});

describe('callerOfKwargs', () => {
  it('reads the proxy request headers and the requester metadata of raw kwargs', () => {
    const kwargs = {
      litellm_params: {
        metadata: { requester_metadata: { agentops_session_id: 'sess-k' }, headers: { 'user-agent': 'x' } },
        proxy_server_request: { url: '/v1/chat/completions', headers: { traceparent: TRACEPARENT } },
      },
    };
    const caller = callerOfKwargs(kwargs);
    expect(parentOf(caller.parentContext)?.traceId).toBe(TRACE_ID);
    expect(caller.sessionId).toBe('sess-k');
  });

  it("reads the SDK's own metadata and the /v1/messages litellm_metadata", () => {
    expect(callerOfKwargs({ litellm_params: { metadata: { agentops_session_id: 'sdk' } } }).sessionId).toBe('sdk');
    const messages = { litellm_params: { litellm_metadata: { headers: { 'x-agentops-session-id': 'm' } } } };
    expect(callerOfKwargs(messages).sessionId).toBe('m');
  });
});
