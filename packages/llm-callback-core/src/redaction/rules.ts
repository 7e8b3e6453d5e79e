import type { PiiRuleName } from '../types.js';

/** One pattern-based rule. `validate` can reject a match (Luhn, IBAN checksum); `replace` builds the mask. */
export interface RedactionRule {
  readonly name: string;
  /** Regex source without capturing groups (use `(?:...)`), matched globally. */
  readonly pattern: string;
  readonly validate?: (match: string) => boolean;
  readonly replace?: (match: string) => string;
  /**
   * Substrings one of which every match contains. A rule with them runs on its own, and only on text that contains
   * one (a native substring search), instead of in the combined scan: the generic patterns are the slow ones.
   */
  readonly requires?: readonly string[];
}

const mask = (name: string) => `[REDACTED:${name}]`;

// Keeps the key and the separator of `key=value` / `"key": "value"` pairs and masks the value only.
function maskAssignedValue(name: string): (match: string) => string {
  return (match) => {
    const separator = /^(.*?[:=]\s*\\?["']?)/s.exec(match);
    return separator ? `${separator[1]}${mask(name)}` : mask(name);
  };
}

/** Secrets: on by default. Each is a format that real keys and tokens have. */
export const SECRET_RULES: readonly RedactionRule[] = [
  {
    name: 'private_key',
    pattern: '-----BEGIN [A-Z ]*PRIVATE KEY(?: BLOCK)?-----[\\s\\S]*?-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----',
    requires: ['PRIVATE KEY'],
  },
  { name: 'jwt', pattern: 'eyJ[A-Za-z0-9_-]{6,}\\.eyJ[A-Za-z0-9_-]{6,}\\.[A-Za-z0-9_-]{6,}' },
  { name: 'anthropic_key', pattern: 'sk-ant-[A-Za-z0-9_-]{20,}' },
  { name: 'openai_key', pattern: 'sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}' },
  { name: 'stripe_key', pattern: '(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}' },
  { name: 'aws_access_key_id', pattern: '(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}' },
  {
    name: 'aws_secret_access_key',
    pattern:
      '(?:aws_secret_access_key|aws_secret_key|secretAccessKey)\\\\?["\']?\\s*[:=]\\s*\\\\?["\']?[A-Za-z0-9/+=]{40}',
    replace: maskAssignedValue('aws_secret_access_key'),
    requires: ['ecret'],
  },
  { name: 'google_api_key', pattern: 'AIza[0-9A-Za-z_-]{35}' },
  { name: 'google_oauth_token', pattern: 'ya29\\.[0-9A-Za-z_-]{20,}' },
  { name: 'github_token', pattern: '(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})' },
  { name: 'gitlab_token', pattern: 'glpat-[A-Za-z0-9_-]{20,}' },
  { name: 'slack_token', pattern: 'xox[abposr]-[A-Za-z0-9-]{10,}' },
  { name: 'slack_webhook', pattern: 'hooks\\.slack\\.com/services/[A-Za-z0-9/_-]{20,}', requires: ['hooks.slack'] },
  { name: 'huggingface_token', pattern: 'hf_[A-Za-z0-9]{30,}' },
  { name: 'groq_key', pattern: 'gsk_[A-Za-z0-9]{40,}' },
  { name: 'xai_key', pattern: 'xai-[A-Za-z0-9]{40,}' },
  { name: 'perplexity_key', pattern: 'pplx-[A-Za-z0-9]{40,}' },
  { name: 'replicate_token', pattern: 'r8_[A-Za-z0-9]{30,}' },
  { name: 'sendgrid_key', pattern: 'SG\\.[A-Za-z0-9_-]{16,}\\.[A-Za-z0-9_-]{20,}' },
  { name: 'npm_token', pattern: 'npm_[A-Za-z0-9]{36}' },
  { name: 'databricks_token', pattern: 'dapi[a-f0-9]{32}' },
  { name: 'shopify_token', pattern: 'shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}' },
  { name: 'digitalocean_token', pattern: 'do[opr]_v1_[a-f0-9]{64}' },
  { name: 'twilio_key', pattern: 'SK[0-9a-fA-F]{32}' },
  { name: 'mailgun_key', pattern: 'key-[0-9a-zA-Z]{32}' },
  {
    name: 'azure_storage_key',
    pattern: 'AccountKey=[A-Za-z0-9+/=]{40,}',
    replace: () => `AccountKey=${mask('azure_storage_key')}`,
    requires: ['AccountKey='],
  },
  {
    name: 'url_credentials',
    // Anchored on `://` (the scheme is a lookbehind), so the scan jumps from one `://` to the next; bounded runs keep
    // it linear (an unbounded scheme made long alphanumeric text quadratic).
    pattern: '(?<=\\b[a-zA-Z][a-zA-Z0-9+.-]{0,30})://[^\\s/?#@:"\']{1,256}:[^\\s/?#@"\']{1,256}@',
    replace: () => `://${mask('url_credentials')}@`,
    requires: ['://'],
  },
  {
    name: 'bearer_token',
    pattern: '[Bb]earer\\s+[A-Za-z0-9._~+/-]{8,}=*',
    replace: () => `Bearer ${mask('bearer_token')}`,
    requires: ['earer'],
  },
  {
    name: 'basic_auth',
    pattern: '[Bb]asic\\s+[A-Za-z0-9+/]{12,}={0,2}',
    replace: () => `Basic ${mask('basic_auth')}`,
    requires: ['asic'],
  },
  {
    name: 'url_secret_param',
    pattern: '[?&](?:api[_-]?key|key|token|access_token|auth|sig|signature|password|secret)=[^&#\\s"\']+',
    replace: (match) => `${match.slice(0, match.indexOf('=') + 1)}${mask('url_secret_param')}`,
    requires: ['='],
  },
  {
    name: 'assigned_secret',
    pattern:
      '(?:api[_-]?key|apikey|secret[_-]?key|client[_-]?secret|password|passwd|access[_-]?token|refresh[_-]?token|auth[_-]?token|private[_-]?key)\\\\?["\']?\\s*[:=]\\s*\\\\?["\']?[^\\s"\'\\\\,;&}]{6,}',
    replace: maskAssignedValue('assigned_secret'),
    // Every key name above contains one of these; `:` and `=` alone are in most text.
    requires: ['api', 'secret', 'passw', 'token', 'private'],
  },
];

function luhnValid(match: string): boolean {
  const digits = match.replace(/\D/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function ibanValid(match: string): boolean {
  const iban = match.replace(/\s/g, '').toUpperCase();
  if (iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

/** PII: off by default, opt in per rule. */
export const PII_RULES: Readonly<Record<PiiRuleName, RedactionRule>> = {
  email: {
    requires: ['@'],
    name: 'email',
    pattern:
      '(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63}){0,8}\\.[A-Za-z]{2,24}',
  },
  payment_card: { name: 'payment_card', pattern: '\\b(?:\\d[ -]?){12,18}\\d\\b', validate: luhnValid },
  iban: {
    name: 'iban',
    pattern: '\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\\b',
    validate: ibanValid,
  },
  us_ssn: { name: 'us_ssn', pattern: '\\b(?!000|666|9\\d\\d)\\d{3}-(?!00)\\d{2}-(?!0000)\\d{4}\\b' },
  uk_nino: { name: 'uk_nino', pattern: '\\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\\d{2} ?\\d{2} ?\\d{2} ?[A-D]\\b' },
  phone: {
    name: 'phone',
    pattern: '(?:\\+\\d{1,3}[ .-]?)?(?:\\(\\d{2,4}\\)[ .-]?|\\b\\d{2,4}[ .-])\\d{3,4}[ .-]\\d{3,4}\\b',
  },
  ip_address: {
    name: 'ip_address',
    pattern: '\\b(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\b',
  },
};

/** Object keys whose values are never exported, whatever they hold (compared lowercase, `-` read as `_`). */
export const DEFAULT_DROPPED_KEYS: readonly string[] = [
  'api_key',
  'apikey',
  'x_api_key',
  'authorization',
  'proxy_authorization',
  'cookie',
  'set_cookie',
  'password',
  'passwd',
  'secret',
  'client_secret',
  'access_token',
  'refresh_token',
  'private_key',
  'aws_secret_access_key',
  'aws_session_token',
  'x_goog_api_key',
  'anthropic_api_key',
  'openai_api_key',
];
