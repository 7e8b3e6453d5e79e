import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createLlmSpanRecorder, startSession } from '../index.js';
import { setupTracing } from '../test-support/otel.js';
import { SECRET_CORPUS } from '../testing/index.js';
import { createRedactor } from './redactor.js';
import { toSafeJson, toSafeText } from './safe-json.js';

const tracing = setupTracing();
afterAll(() => tracing.shutdown());
beforeEach(() => tracing.reset());

const context = { attribute: 'test', spanKind: 'llm' as const };

/** Everything a span exports, as one string: name, attributes, events, status. */
function exportedText(): string {
  return JSON.stringify(
    tracing.spans().map((span) => [span.name, span.attributes, span.events, span.status, span.links]),
  );
}

describe('redaction corpus', () => {
  it('has at least 30 formats', () => {
    expect(SECRET_CORPUS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(SECRET_CORPUS.map((item) => item.name)).size).toBe(SECRET_CORPUS.length);
  });

  it.each(SECRET_CORPUS.map((item) => [item.name, item] as const))('masks %s in text', (_name, item) => {
    const redactor = createRedactor({ pii: true });
    const text = `before ${item.text} after`;
    const redacted = redactor.redactText(text, context);
    expect(redacted).not.toContain(item.secret);
    expect(redacted).toContain('[REDACTED:');
    expect(redacted.startsWith('before ')).toBe(true);
  });

  it('leaves PII alone unless opted in, and secrets are on by default', () => {
    const redactor = createRedactor();
    for (const item of SECRET_CORPUS) {
      const redacted = redactor.redactText(item.text, context);
      if (item.kind === 'pii') expect(redacted, item.name).toBe(item.text);
      else expect(redacted, item.name).not.toContain(item.secret);
    }
  });

  it('does not flag look-alikes that fail their checksum', () => {
    const redactor = createRedactor({ pii: ['payment_card', 'iban'] });
    expect(redactor.redactText('order 4111 1111 1111 1112 shipped', context)).toContain('4111 1111 1111 1112');
    expect(redactor.redactText('ref DE00 3704 0044 0532 0130 00', context)).toContain('DE00');
  });

  it('never exports any corpus value, wherever a payload carries it', () => {
    const all = SECRET_CORPUS.map((item) => item.text).join(' | ');
    const recorder = createLlmSpanRecorder({ redaction: { pii: true } });
    const session = startSession({ name: 'leaky' });
    recorder.startRun({
      key: 'agent',
      kind: 'agent',
      name: 'agent',
      input: {
        prompt: all,
        nested: [{ deeper: all }],
        api_key: 'plain-dropped-value-1',
        headers: { Authorization: 'plain-dropped-value-2' },
      },
      metadata: { attributes: { 'app.note': all, 'http.request.header.x-api-key': 'plain-dropped-value-3' } },
    });
    recorder.startRun({
      key: 'tool',
      kind: 'tool',
      name: 'fetch',
      parentKey: 'agent',
      input: { url: all },
      tool: { description: all },
    });
    recorder.endRun({ key: 'tool', output: { body: all } });
    const call = recorder.startCall({
      key: 'llm',
      parentKey: 'agent',
      model: 'gpt-4.1',
      tools: [{ name: 'fetch', description: all, parameters: { default: all } }],
      messages: [
        { role: 'system', parts: [{ type: 'text', content: all }] },
        {
          role: 'user',
          parts: [
            { type: 'text', content: all },
            { type: 'uri', modality: 'image', uri: all },
          ],
        },
        {
          role: 'assistant',
          parts: [{ type: 'tool_call', id: 'c', name: 'fetch', arguments: JSON.stringify({ q: all }) }],
        },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c', response: { data: all } }] },
      ],
    });
    call.fail({
      error: Object.assign(new Error(`request failed: ${all}`), { stack: `Error: ${all}\n at x` }),
      partial: {
        outputs: [
          {
            role: 'assistant',
            parts: [
              { type: 'text', content: all },
              { type: 'reasoning', content: all },
            ],
          },
        ],
      },
    });
    recorder.endRun({ key: 'agent', output: all });
    session.end('Fail', `crashed with ${all}`);
    // With the GenAI JSON attributes as well.
    const genai = createLlmSpanRecorder({ redaction: { pii: true }, semconv: { genaiLatest: true, agentops: false } });
    genai
      .startCall({ key: 'genai', model: 'm', messages: [{ role: 'user', parts: [{ type: 'text', content: all }] }] })
      .end({ outputs: [{ role: 'assistant', parts: [{ type: 'tool_call', name: 'x', arguments: { a: all } }] }] });

    const exported = exportedText();
    expect(tracing.spans()).toHaveLength(5);
    expect(exported).toContain('[REDACTED:');
    for (const item of SECRET_CORPUS) expect(exported.includes(item.secret), item.name).toBe(false);
    for (const dropped of ['plain-dropped-value-1', 'plain-dropped-value-2', 'plain-dropped-value-3']) {
      expect(exported.includes(dropped), dropped).toBe(false);
    }
  });

  it('fails closed when the user hook throws, and applies it after the built-in rules', () => {
    const seen: string[] = [];
    const redactor = createRedactor({
      redact(value, ctx) {
        seen.push(ctx.attribute);
        if (value.includes('boom')) throw new Error('hook bug');
        return value.replace(/ACME-\d+/g, '[ACCOUNT]');
      },
    });
    expect(redactor.redactText(`account ACME-42 key ghp_${'a'.repeat(36)}`, context)).toBe(
      'account [ACCOUNT] key [REDACTED:github_token]',
    );
    expect(redactor.redactText('boom', context)).toBe('[REDACTED]');
    expect(seen).toEqual(['test', 'test']);
  });
});

describe('safe JSON', () => {
  const redactor = createRedactor({ maxContentLength: 400 });

  it('survives cycles, BigInt, symbols, functions, throwing getters, Maps, Sets, binary and dates', () => {
    const value: Record<string, unknown> = {
      big: 10n,
      sym: Symbol('s'),
      fn: () => 1,
      date: new Date('2026-01-02T03:04:05Z'),
      bad: new Date('nope'),
      map: new Map([['k', 1]]),
      set: new Set([1, 2]),
      bytes: new Uint8Array([1, 2, 3]),
      error: new TypeError('bad'),
      nan: Number.NaN,
      nested: { list: [undefined, () => 1, Symbol('x')] },
    };
    value.self = value;
    Object.defineProperty(value, 'trap', {
      enumerable: true,
      get: () => {
        throw new Error('no');
      },
    });
    const json = toSafeJson(value, redactor, context);
    expect(JSON.parse(json)).toEqual({
      big: '10',
      date: '2026-01-02T03:04:05.000Z',
      bad: null,
      map: { k: 1 },
      set: [1, 2],
      bytes: '[binary 3 bytes]',
      error: { name: 'TypeError', message: 'bad' },
      nan: null,
      nested: { list: [null, null, null] },
      self: '[circular]',
      trap: '[unreadable]',
    });
  });

  it('handles Proxies that throw, deep nesting and toJSON', () => {
    const proxy = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('trap');
        },
      },
    );
    expect(JSON.parse(toSafeJson({ proxy }, redactor, context))).toEqual({ proxy: '[unreadable]' });
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(() => JSON.parse(toSafeJson(deep, redactor, context))).not.toThrow();
    expect(toSafeJson({ toJSON: () => ({ ok: true }) }, redactor, context)).toBe('{"ok":true}');
  });

  it('cuts long values with a visible marker and keeps the JSON valid', () => {
    const huge = { text: 'x'.repeat(10_000), list: Array.from({ length: 1000 }, (_, i) => ({ i })) };
    const json = toSafeJson(huge, redactor, context);
    expect(json.length).toBeLessThanOrEqual(400);
    const parsed = JSON.parse(json);
    expect(parsed.text).toContain('…[truncated');
    expect(
      toSafeJson(
        Array.from({ length: 500 }, (_, i) => i),
        redactor,
        context,
      ),
    ).toMatch(/"…\[truncated\] \d+ more items"\]$/);
    const text = toSafeText('y'.repeat(5000), redactor, context);
    expect(text).toHaveLength(400);
    expect(text).toMatch(/…\[truncated 4600 chars\]$/);
  });

  it('drops never-exported keys with their values', () => {
    const json = toSafeJson(
      {
        api_key: 'k1',
        'X-Api-Key': 'k2',
        Authorization: 'k3',
        nested: { password: 'k4', client_secret: 'k5', fine: 1 },
      },
      createRedactor({ dropKeys: ['fine'] }),
      context,
    );
    expect(JSON.parse(json)).toEqual({ nested: {} });
  });
});

describe('caller-supplied attributes', () => {
  it('drops never-exported keys and redacts strings in end-event attributes, as in metadata', () => {
    const recorder = createLlmSpanRecorder();
    recorder.startCall({ key: 'attrs', model: 'attrs' });
    recorder.endCall({
      key: 'attrs',
      attributes: { 'litellm.api_key': 'plain-key-value', 'app.note': `token ghp_${'x'.repeat(36)}`, 'app.count': 3 },
    });
    recorder.startRun({ key: 'run-attrs', kind: 'tool', name: 'attrs' });
    recorder.endRun({
      key: 'run-attrs',
      attributes: { authorization: 'Basic abc', 'app.url': 'https://u:p4ssw0rd@host/x' },
    });
    const exported = exportedText();
    expect(exported).not.toContain('plain-key-value');
    expect(exported).not.toContain('ghp_');
    expect(exported).not.toContain('p4ssw0rd');
    expect(exported).not.toContain('Basic abc');
    expect(exported).toContain('"app.count":3');
  });
});
