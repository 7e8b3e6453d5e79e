import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SECRET_CORPUS } from '../testing/index.js';
import type { PiiRuleName, RedactionOptions } from '../types.js';
import { createRedactor, SCAN_MARGIN } from './redactor.js';
import { PII_RULES, type RedactionRule, SECRET_RULES } from './rules.js';

// The redactor skips work that cannot change a text (rules whose hints the text lacks). These tests hold it to the
// plain algorithm: every rule in its order, on every text, must give exactly the same output.

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
    for (const rule of gated) {
      if ((rule.requires ?? []).some((needle) => text.includes(needle))) {
        text = text.replace(new RegExp(rule.pattern, 'g'), (match) => apply(rule, match));
      }
    }
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
  .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 12 }), fc.stringMatching(/^[A-Za-z0-9_-]{1,70}$/)), {
    maxLength: 12,
  })
  .map((parts) => parts.join(''));

describe('redactor: same output as the plain algorithm', () => {
  it.each(OPTIONS.map((options) => [JSON.stringify(options), options] as const))('%s, random texts', (_name, options) => {
    const redactor = createRedactor(options);
    const plain = reference(options);
    fc.assert(
      fc.property(texts, (text) => {
        expect(redactor.redactText(text, context)).toBe(plain(text));
      }),
      { numRuns: 1500 },
    );
  });

  it.each(OPTIONS.map((options) => [JSON.stringify(options), options] as const))('%s, the corpus', (_name, options) => {
    const redactor = createRedactor(options);
    const plain = reference(options);
    const all = SECRET_CORPUS.map((item) => item.text);
    for (const text of [...all, all.join(' '), all.join(''), all.join('\n'), encodeURIComponent(all.join(' '))]) {
      expect(redactor.redactText(text, context)).toBe(plain(text));
    }
  });
});

describe('rule hints', () => {
  const hinted = [...SECRET_RULES, ...Object.values(PII_RULES)].filter((rule) => rule.hint);

  it('every rule of the combined scan has one', () => {
    const unhinted = [...SECRET_RULES, ...Object.values(PII_RULES)].filter((rule) => !rule.requires && !rule.hint);
    expect(unhinted.map((rule) => rule.name)).toEqual([]);
  });

  it.each(hinted.map((rule) => [rule.name, rule] as const))('%s: every match has what the hint says', (_name, rule) => {
    const minRun = rule.hint?.minRun ?? 0;
    const minDigits = rule.hint?.minDigits ?? 0;
    const longestRun = (text: string) => Math.max(0, ...(text.match(/[A-Za-z0-9_-]+/g) ?? []).map((run) => run.length));
    const digits = (text: string) => text.replace(/\D/g, '').length;
    // Matches of the rule's own pattern (word boundaries and lookarounds dropped: that only widens what matches).
    const source = rule.pattern.replace(/\\b/g, '').replace(/\(\?!(?:[^()]|\([^()]*\))*\)/g, '');
    fc.assert(
      fc.property(fc.stringMatching(new RegExp(`^(?:${source})$`)), (match) => {
        expect(longestRun(match)).toBeGreaterThanOrEqual(minRun);
        expect(digits(match)).toBeGreaterThanOrEqual(minDigits);
      }),
      { numRuns: 300 },
    );
  });
});
