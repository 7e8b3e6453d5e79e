import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SECRET_CORPUS } from '../testing/index.js';
import type { PiiRuleName, RedactionOptions } from '../types.js';
import { createRedactor, SCAN_MARGIN } from './redactor.js';
import { PII_RULES, type RedactionRule, SECRET_RULES } from './rules.js';
import { toSafeJson, toSafeJsonRepeated } from './safe-json.js';

// The redactor remembers texts its rules left unchanged and skips closures on its hot path. These tests hold it to
// the plain algorithm: every rule in its order, on every text, first seen or seen again, gives exactly the same output.

const context = { attribute: 'test', spanKind: 'llm' as const };

/** The plain algorithm: decode percent runs, the gated rules one by one, then one combined scan of the others. */
function reference(options: RedactionOptions): (value: string) => string {
  const rules: RedactionRule[] = [];
  if (options.secrets !== false) rules.push(...SECRET_RULES);
  const names = Object.keys(PII_RULES) as PiiRuleName[];
  for (const name of options.pii === true ? names : Array.isArray(options.pii) ? options.pii : []) {
    rules.push(PII_RULES[name]);
  }
  const apply = (rule: RedactionRule, match: string) =>
    rule.validate && !rule.validate(match) ? match : rule.replace ? rule.replace(match) : `[REDACTED:${rule.name}]`;
  const gated = rules.filter((rule) => rule.requires);
  const scanned = rules.filter((rule) => !rule.requires);
  const combined = new RegExp(scanned.map((rule, i) => `(?<r${i}>${rule.pattern})`).join('|'), 'g');
  const max = options.maxContentLength ?? 32_768;
  return (value) => {
    let text = value.length > max + SCAN_MARGIN ? value.slice(0, max + SCAN_MARGIN) : value;
    if (rules.length === 0) return text;
    text = text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
    // Every gated rule, whether or not the text has one of its substrings: this also proves the substrings sound.
    for (const rule of gated) text = text.replace(new RegExp(rule.pattern, 'g'), (match) => apply(rule, match));
    if (scanned.length === 0) return text;
    return text.replace(combined, (match, ...rest) => {
      const groups = rest[rest.length - 1] as Record<string, string | undefined>;
      const index = scanned.findIndex((_rule, i) => groups[`r${i}`] !== undefined);
      return index < 0 ? match : apply(scanned[index] as RedactionRule, match);
    });
  };
}

const OPTIONS: RedactionOptions[] = [
  {},
  { pii: true },
  { secrets: false, pii: true },
  { pii: ['phone', 'ip_address', 'payment_card'] },
  { secrets: false },
  { pii: true, maxContentLength: 64 },
];

/** Pieces that make texts near the rules' edges: corpus values, their halves, look-alikes, separators. */
const PIECES = [
  ...SECRET_CORPUS.map((item) => item.text),
  ...SECRET_CORPUS.map((item) => item.text.slice(0, Math.ceil(item.text.length / 2))),
  ...SECRET_CORPUS.map((item) => item.text.slice(Math.floor(item.text.length / 2))),
  'eyJ',
  'sk-',
  'xoxb-',
  'AKIA',
  'a'.repeat(14),
  'b'.repeat(15),
  '0123456789',
  '4111',
  '%20',
  '%3A%2F%2F',
  '%E2%82',
  'api_key=',
  'password: ',
  'apikey',
  'client-secret',
  'passwd',
  'refresh_token',
  'auth-token',
  'private_key',
  'PRIVATE KEY',
  '://',
  '@',
  '=',
  ':',
  ' ',
  '\n',
  '-',
  '_',
  '.',
  '"',
  'Bearer ',
  'Basic ',
  'AccountKey=',
  'hooks.slack.com/services/',
  '-----BEGIN PRIVATE KEY-----',
  '-----END PRIVATE KEY-----',
  'précis ',
  '日本語',
];

const texts = fc
  .array(
    fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 12 }), fc.stringMatching(/^[A-Za-z0-9_-]{1,70}$/)),
    {
      maxLength: 12,
    },
  )
  .map((parts) => parts.join(''));

describe('redactor: same output as the plain algorithm', () => {
  it.each(OPTIONS.map((options) => [JSON.stringify(options), options] as const))(
    '%s, random texts',
    (_name, options) => {
      const redactor = createRedactor(options);
      const plain = reference(options);
      fc.assert(
        fc.property(texts, (text) => {
          const expected = plain(text);
          expect(redactor.redactText(text, context)).toBe(expected);
          // Again (a clean text is remembered at its second sighting), and from the memo of clean texts.
          expect(redactor.redactText(text, context)).toBe(expected);
          expect(redactor.redactText(text, context)).toBe(expected);
        }),
        { numRuns: 1500 },
      );
    },
  );

  it.each(OPTIONS.map((options) => [JSON.stringify(options), options] as const))('%s, the corpus', (_name, options) => {
    const redactor = createRedactor(options);
    const plain = reference(options);
    const all = SECRET_CORPUS.map((item) => item.text);
    for (const text of [...all, all.join(' '), all.join(''), all.join('\n'), encodeURIComponent(all.join(' '))]) {
      for (let sighting = 0; sighting < 3; sighting++) expect(redactor.redactText(text, context)).toBe(plain(text));
    }
  });
});

describe('redactor: memo of clean texts', () => {
  it('stays bounded and correct past its size, and never remembers a text with a secret', () => {
    const redactor = createRedactor();
    const secret = SECRET_CORPUS[0] as (typeof SECRET_CORPUS)[number];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 5000; i++)
        expect(redactor.redactText(`clean text number ${i}`, context)).toBe(`clean text number ${i}`);
      expect(redactor.redactText(`key ${secret.text}`, context)).not.toContain(secret.secret);
    }
    const long = 'word '.repeat(300_000);
    expect(redactor.redactText(long, context)).toBe(long.slice(0, 32_768 + SCAN_MARGIN));
    expect(redactor.redactText(long, context)).toBe(long.slice(0, 32_768 + SCAN_MARGIN));
  });

  it('remembers a clean text from its second sighting, so that texts seen once are not kept alive', () => {
    const redactor = createRedactor();
    for (let i = 0; i < 1000; i++) redactor.redactText(`a question asked once, number ${i}`, context);
    expect(redactor.rememberedTexts()).toBe(0);
    const prompt = 'You are a terse assistant.';
    expect(redactor.redactText(prompt, context)).toBe(prompt);
    expect(redactor.rememberedTexts()).toBe(0);
    expect(redactor.redactText(prompt, context)).toBe(prompt);
    expect(redactor.rememberedTexts()).toBe(1);
    expect(redactor.redactText(prompt, context)).toBe(prompt);
    expect(redactor.rememberedTexts()).toBe(1);
  });

  it('tells apart texts that differ only where its fingerprint does not look', () => {
    const redactor = createRedactor();
    // 4,000 characters: the fingerprint reads every 500th character and the last 4, so a secret between two read
    // characters leaves the fingerprint as it was.
    const clean = 'a '.repeat(2000);
    const secret = SECRET_CORPUS.find((item) => item.text.length < 110) as (typeof SECRET_CORPUS)[number];
    const inserted = ` ${secret.text} `;
    const withSecret = clean.slice(0, 1001) + inserted + clean.slice(1001 + inserted.length);
    expect(withSecret.length).toBe(clean.length);
    for (let i = 0; i < clean.length; i += 500) expect(withSecret[i]).toBe(clean[i]);
    for (let round = 0; round < 3; round++) {
      expect(redactor.redactText(clean, context)).toBe(clean);
      expect(redactor.redactText(withSecret, context)).not.toContain(secret.secret);
    }
    // A clean twin with the same fingerprint takes the memo's place, and both stay right.
    const twin = `${clean.slice(0, 1001)}b${clean.slice(1002)}`;
    for (let round = 0; round < 3; round++) {
      expect(redactor.redactText(twin, context)).toBe(twin);
      expect(redactor.redactText(clean, context)).toBe(clean);
    }
  });

  it('still runs the user hook on every value', () => {
    let calls = 0;
    const redactor = createRedactor({
      redact: (value) => {
        calls++;
        return value.toUpperCase();
      },
    });
    expect(redactor.redactText('same text', context)).toBe('SAME TEXT');
    expect(redactor.redactText('same text', context)).toBe('SAME TEXT');
    expect(calls).toBe(2);
  });
});

describe('safe JSON: object keys', () => {
  it('counts the keys left out after the limit, never-exported ones excepted', () => {
    const redactor = createRedactor({ maxContentLength: 100 });
    const value: Record<string, unknown> = {};
    for (let i = 0; i < 40; i++)
      value[i % 5 === 0 ? `api_key_${i}` : `key${i}`] = i % 7 === 0 ? undefined : 'v'.repeat(8);
    value.password = 'x';
    value.later = () => 1;
    expect(toSafeJson(value, redactor, context)).toMatchInlineSnapshot(
      `"{"key1":"vvvvvvvv","key2":"vvvvvvvv","key3":"vvvvvvvv","…":"…[truncated] 37 more keys"}"`,
    );
  });

  it('reads every getter once, in key order, and marks one that throws', () => {
    const seen: string[] = [];
    const value = {};
    for (const key of ['a', 'authorization', 'b', 'c']) {
      Object.defineProperty(value, key, {
        enumerable: true,
        get: () => {
          seen.push(key);
          if (key === 'b') throw new Error('no');
          return key;
        },
      });
    }
    expect(toSafeJson(value, createRedactor(), context)).toBe('{"a":"a","b":"[unreadable]","c":"c"}');
    expect(seen).toEqual(['a', 'b', 'c']);
  });
});

describe('safe JSON of repeated values (tool schemas)', () => {
  const corpusText = fc.constantFrom(...SECRET_CORPUS.map((item) => item.text), 'api_key', 'password', '%41');
  const key = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('api_key', 'Authorization', 'toJSON', '__proto__'));
  const leaf = fc.oneof(texts, corpusText, fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined));
  // Plain JSON-like data, and values toSafeJson writes differently from JSON.stringify (Maps, Sets, dates, errors,
  // binary, BigInt, class instances, sparse arrays, null prototypes).
  const plain = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('node'), { maxLength: 4 }),
      fc.dictionary(key, tie('node'), { maxKeys: 5 }),
    ),
  })).node;
  const values = fc.oneof(
    plain.map((value) => ({ value, plain: true })),
    fc
      .anything({
        key,
        values: [leaf],
        withBigInt: true,
        withMap: true,
        withSet: true,
        withDate: true,
        withTypedArray: true,
        withSparseArray: true,
        withNullPrototype: true,
        withObjectString: true,
        withBoxedValues: true,
      })
      .map((value) => ({ value, plain: false })),
  );

  it.each([
    ['defaults', {}],
    ['a short limit', { maxContentLength: 64 }],
    ['PII', { pii: true }],
  ] as const)('writes exactly what toSafeJson writes, first seen and seen again (%s)', (_name, options) => {
    const redactor = createRedactor(options);
    fc.assert(
      fc.property(values, ({ value, plain }) => {
        const expected = toSafeJson(value, createRedactor(options), context);
        expect(toSafeJsonRepeated(value, redactor, context)).toBe(expected);
        expect(toSafeJsonRepeated(value, redactor, context)).toBe(expected);
        // A structurally equal copy (what a framework builds on every call) gives the same result.
        if (plain) expect(toSafeJsonRepeated(structuredClone(value), redactor, context)).toBe(expected);
      }),
      { numRuns: 1500 },
    );
  });

  it('runs a user hook on every call: no memo with a hook', () => {
    let calls = 0;
    const redactor = createRedactor({
      redact: (text) => {
        calls++;
        return text.toUpperCase();
      },
    });
    const schema = { type: 'object', properties: { city: { type: 'string' } } };
    expect(toSafeJsonRepeated(schema, redactor, context)).toBe(
      '{"type":"OBJECT","properties":{"city":{"type":"STRING"}}}',
    );
    expect(toSafeJsonRepeated(schema, redactor, context)).toBe(
      '{"type":"OBJECT","properties":{"city":{"type":"STRING"}}}',
    );
    expect(calls).toBe(4);
  });

  it('writes what toSafeJson writes for objects and arrays with their own toJSON', () => {
    const redactor = createRedactor();
    const items = Object.assign(['a', 'b'], { toJSON: () => 'as text' });
    const object = { toJSON: () => ({ replaced: true }), kept: 1 };
    for (const value of [items, { nested: items }, object, [object]]) {
      const expected = toSafeJson(value, redactor, context);
      expect(toSafeJsonRepeated(value, redactor, context)).toBe(expected);
      expect(toSafeJsonRepeated(value, redactor, context)).toBe(expected);
    }
  });

  it('hands values too big to remember to toSafeJson, cut at the content limit as always', () => {
    const redactor = createRedactor({ maxContentLength: 256 });
    const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
    for (const value of [Array.from({ length: 100_000 }, (_, i) => i), wide, { text: 'x'.repeat(100_000) }]) {
      const expected = toSafeJson(value, redactor, context);
      expect(expected.length).toBeLessThanOrEqual(256);
      expect(toSafeJsonRepeated(value, redactor, context)).toBe(expected);
    }
  });

  it('redacts a secret in a schema and drops never-exported keys, from the memo too', () => {
    const redactor = createRedactor();
    const schema = () => ({ description: 'key sk-proj-abcdefghijklmnopqrstuv1234', api_key: 'x', ok: [1, 'two'] });
    const first = toSafeJsonRepeated(schema(), redactor, context);
    expect(first).toBe('{"description":"key [REDACTED:openai_key]","ok":[1,"two"]}');
    expect(toSafeJsonRepeated(schema(), redactor, context)).toBe(first);
  });
});
