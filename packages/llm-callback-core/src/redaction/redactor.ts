import { reportFailure } from '../internal/diag.js';
import type { PiiRuleName, RedactionContext, RedactionOptions } from '../types.js';
import { DEFAULT_DROPPED_KEYS, PII_RULES, type RedactionRule, SECRET_RULES } from './rules.js';

/** Marker left in place of a value that a failing redaction hook could not clear. */
export const REDACTED = '[REDACTED]';

/** Applies the policy to strings and decides which object keys are never exported. */
export interface Redactor {
  /** Built-in rules then the user hook; fails closed. */
  redactText(value: string, context: RedactionContext): string;
  /** True for keys such as `api_key` or `authorization`, which are dropped with their value. */
  isDroppedKey(key: string): boolean;
  readonly maxContentLength: number;
  /** True when a user hook runs on every value: then results may depend on more than the text. */
  readonly hasHook: boolean;
  /** How many clean texts the redactor remembers now (tests and diagnostics). */
  rememberedTexts(): number;
}

const PII_NAMES = Object.keys(PII_RULES) as PiiRuleName[];
/** How far past the content limit the rules still scan, so that a secret straddling the limit is seen whole. */
export const SCAN_MARGIN = 4096;

/** Most texts, and most characters in all, that a redactor remembers as clean (see `createRedactor`). */
const CLEAN_MEMO_ENTRIES = 4096;
const CLEAN_MEMO_CHARS = 1 << 20;
/** Slots of the table of fingerprints seen once (a power of two). */
const SEEN_ONCE_SLOTS = 4096;
/** Most keys whose drop decision a redactor remembers, and their longest length. */
const KEY_MEMO_ENTRIES = 1024;
const KEY_MEMO_LENGTH = 64;

/**
 * Builds the redactor once per recorder: the common no-secret case costs one combined scan and a few substring
 * checks. Texts come back again and again (system prompts, tool schemas, the conversation re-sent on every turn, ids
 * and tags on every span), so the redactor remembers texts its rules left unchanged, from their second sighting, in a
 * bounded map, and does not scan them again: a lookup costs a fingerprint of a few dozen characters and one
 * comparison, a scan dozens of instructions per character. Only clean texts are remembered, and the result is the
 * same: the rules are a pure function of the text. The user hook still runs on every value.
 */
export function createRedactor(options: RedactionOptions = {}): Redactor {
  const rules: RedactionRule[] = [];
  if (options.secrets !== false) rules.push(...SECRET_RULES);
  const pii = options.pii === true ? PII_NAMES : Array.isArray(options.pii) ? options.pii : [];
  for (const name of pii) {
    const rule = PII_RULES[name];
    if (rule) rules.push(rule);
  }
  const applyRule = (rule: RedactionRule, match: string): string => {
    if (rule.validate && !rule.validate(match)) return match;
    return rule.replace ? rule.replace(match) : `[REDACTED:${rule.name}]`;
  };
  // Rules with `requires` run alone, only on text that contains one of their substrings; private keys first, so
  // that no other rule cuts into a key block. The rest share one combined scan.
  const gated = rules
    .filter((rule) => rule.requires)
    .map((rule) => ({
      needles: rule.requires as readonly string[],
      regex: new RegExp(rule.pattern, 'g'),
      replace: (match: string) => applyRule(rule, match),
    }));
  // Most text has none of the gated rules' substrings: one scan for all of them (a regex of literals) costs less than
  // a substring search per needle.
  const needles = [...new Set(gated.flatMap((rule) => rule.needles))];
  const anyNeedle = needles.length > 0 ? new RegExp(needles.map(escapeRegExp).join('|')) : undefined;
  const scanned = rules.filter((rule) => !rule.requires);
  const combined =
    scanned.length > 0 ? new RegExp(scanned.map((rule, i) => `(?<r${i}>${rule.pattern})`).join('|'), 'g') : undefined;
  // `replace` with a function costs a few hundred nanoseconds even when nothing matches; `test` finds that out cheaper.
  const anyMatch = combined ? new RegExp(combined.source) : undefined;
  const replaceMatch = (match: string, ...rest: unknown[]): string => {
    const groups = rest[rest.length - 1] as Record<string, string | undefined>;
    for (let i = 0; i < scanned.length; i++) {
      if (groups[`r${i}`] !== undefined) return applyRule(scanned[i] as RedactionRule, match);
    }
    return match;
  };
  const applyRules = (input: string): string => {
    // Percent-encoding (`%20`, `%3A`) would hide a secret in a URL from every rule: decode it first.
    let text = input.includes('%') ? decodePercentRuns(input) : input;
    if (anyNeedle?.test(text)) {
      for (let i = 0; i < gated.length; i++) {
        const { needles, regex, replace } = gated[i] as (typeof gated)[number];
        if (containsAny(text, needles)) text = text.replace(regex, replace);
      }
    }
    return combined && anyMatch?.test(text) ? text.replace(combined, replaceMatch) : text;
  };
  // Clean texts by fingerprint; a hit is the text itself, compared in full. Not a set of texts: a set hashes every
  // character of a text it has not seen as an object before (every text parsed from a request body, every fresh
  // completion), about 1.8 ns a character, more than a rules scan of a text without secrets costs.
  let clean = new Map<number, string>();
  let cleanChars = 0;
  // A clean text is remembered when it comes the second time. Most texts of a call come once (the user's question,
  // the completion): remembering them only kept them alive, up to a megabyte, for the GC to copy and mark. A first
  // sighting leaves its fingerprint in a fixed table that holds no text.
  const seenOnce = new Int32Array(SEEN_ONCE_SLOTS);
  /** The rules' output; texts they leave unchanged are remembered (bounded: the map starts over when full). */
  const applyRulesMemo = (text: string): string => {
    const print = fingerprint(text);
    const known = clean.get(print);
    if (known === text) return text;
    const result = applyRules(text);
    if (result !== text || text.length > CLEAN_MEMO_CHARS) return result;
    const slot = print & (SEEN_ONCE_SLOTS - 1);
    if (seenOnce[slot] !== print) {
      seenOnce[slot] = print;
      return result;
    }
    if (clean.size >= CLEAN_MEMO_ENTRIES || cleanChars + text.length > CLEAN_MEMO_CHARS) {
      clean = new Map();
      cleanChars = 0;
    } else if (known !== undefined) {
      cleanChars -= known.length; // another text with the same fingerprint: the newer one stays
    }
    clean.set(print, text);
    cleanChars += text.length;
    return result;
  };

  const dropped = new Set(DEFAULT_DROPPED_KEYS);
  for (const key of options.dropKeys ?? []) if (typeof key === 'string') dropped.add(normalizeKey(key));
  const hook = typeof options.redact === 'function' ? options.redact : undefined;
  const maxContentLength =
    typeof options.maxContentLength === 'number' && options.maxContentLength >= 64
      ? Math.floor(options.maxContentLength)
      : 32_768;

  // Keys repeat (attribute names, JSON field names): the answer for short ones is remembered, in a bounded map.
  const droppedByKey = new Map<string, boolean>();
  return {
    maxContentLength,
    hasHook: hook !== undefined,
    rememberedTexts: () => clean.size,
    isDroppedKey(key) {
      let result = droppedByKey.get(key);
      if (result === undefined) {
        result = dropped.has(normalizeKey(key));
        if (key.length <= KEY_MEMO_LENGTH) {
          if (droppedByKey.size >= KEY_MEMO_ENTRIES) droppedByKey.clear();
          droppedByKey.set(key, result);
        }
      }
      return result;
    },
    redactText(value, context) {
      // Text past the content limit is never exported, so the rules need not scan it; the margin keeps a secret
      // that straddles the limit whole for the rules to see.
      let text = value.length > maxContentLength + SCAN_MARGIN ? value.slice(0, maxContentLength + SCAN_MARGIN) : value;
      if (rules.length > 0) {
        try {
          text = applyRulesMemo(text);
        } catch (error) {
          reportFailure('secret rules', error);
          return REDACTED;
        }
      }
      if (!hook) return text;
      try {
        const result = hook(text, context);
        return typeof result === 'string' ? result : REDACTED;
      } catch (error) {
        reportFailure('redaction hook', error);
        return REDACTED;
      }
    },
  };
}

/**
 * Characters a fingerprint reads besides the last ones: texts past this length are sampled at even steps. Few, because
 * for a text seen again as the same object (a constant system prompt) the set this replaced cost about twelve reads.
 */
const FINGERPRINT_SAMPLES = 8;
const FINGERPRINT_TAIL = 4;

/**
 * A cheap 32-bit fingerprint of a text: its length, up to 8 characters at even steps and its last 4 (where ids,
 * counters and reference numbers tend to differ). Texts with the same fingerprint are told apart by comparing them.
 */
function fingerprint(text: string): number {
  const length = text.length;
  let hash = length;
  const step = length > FINGERPRINT_SAMPLES ? Math.floor(length / FINGERPRINT_SAMPLES) : 1;
  for (let i = 0; i < length; i += step) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  for (let i = Math.max(0, length - FINGERPRINT_TAIL); i < length; i++)
    hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}

function containsAny(text: string, needles: readonly string[]): boolean {
  for (let i = 0; i < needles.length; i++) if (text.includes(needles[i] as string)) return true;
  return false;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function decodePercentRuns(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/-/g, '_');
}
