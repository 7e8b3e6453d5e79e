/**
 * Realistic-looking (fake) secrets and PII, one per format the redaction rules cover. `secret` is the part that
 * must never be exported; `text` is how it appears in a payload.
 */
export interface CorpusItem {
  name: string;
  kind: 'secret' | 'pii';
  text: string;
  secret: string;
}

const item = (name: string, kind: 'secret' | 'pii', text: string, secret = text): CorpusItem => ({
  name,
  kind,
  text,
  secret,
});

const hex = (n: number) => 'a1b2c3d4e5f60789'.repeat(Math.ceil(n / 16)).slice(0, n);
const alnum = (n: number) => 'Ab3Cd5Ef7Gh9Jk2Mn4Pq6Rs8Tu0Vw1Xy'.repeat(Math.ceil(n / 32)).slice(0, n);

/** 32 secret formats and 7 PII formats. */
export const SECRET_CORPUS: readonly CorpusItem[] = [
  item('openai project key', 'secret', `sk-proj-${alnum(40)}`),
  item('openai legacy key', 'secret', `sk-${alnum(48)}`),
  item('anthropic key', 'secret', `sk-ant-api03-${alnum(40)}`),
  item('aws access key id', 'secret', 'AKIAIOSFODNN7EXAMPLE'),
  item(
    'aws secret access key',
    'secret',
    'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  ),
  item('google api key', 'secret', `AIza${alnum(35)}`),
  item('google oauth token', 'secret', `ya29.${alnum(40)}`),
  item('github classic token', 'secret', `ghp_${alnum(36)}`),
  item('github fine-grained token', 'secret', `github_pat_11${alnum(40)}`),
  item('gitlab token', 'secret', `glpat-${alnum(20)}`),
  item('slack bot token', 'secret', `xoxb-123456789012-${alnum(24)}`),
  item(
    'slack webhook',
    'secret',
    `https://hooks.slack.com/services/T0000/B0000/${alnum(24)}`,
    `T0000/B0000/${alnum(24)}`,
  ),
  item('stripe live key', 'secret', `sk_live_${alnum(24)}`),
  item('huggingface token', 'secret', `hf_${alnum(34)}`),
  item('groq key', 'secret', `gsk_${alnum(52)}`),
  item('xai key', 'secret', `xai-${alnum(60)}`),
  item('perplexity key', 'secret', `pplx-${alnum(48)}`),
  item('replicate token', 'secret', `r8_${alnum(37)}`),
  item('sendgrid key', 'secret', `SG.${alnum(22)}.${alnum(43)}`),
  item('npm token', 'secret', `npm_${alnum(36)}`),
  item('databricks token', 'secret', `dapi${hex(32)}`),
  item('shopify token', 'secret', `shpat_${hex(32)}`),
  item('digitalocean token', 'secret', `dop_v1_${hex(64)}`),
  item('twilio api key', 'secret', `SK${hex(32)}`),
  item('mailgun key', 'secret', `key-${alnum(32)}`),
  item(
    'azure storage key',
    'secret',
    `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${alnum(86)}==;`,
    alnum(86),
  ),
  item(
    'jwt',
    'secret',
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  ),
  item('bearer token', 'secret', `Authorization: Bearer ${alnum(30)}x`, `${alnum(30)}x`),
  item(
    'basic auth',
    'secret',
    'Authorization: Basic dXNlcjpjb3JyZWN0aG9yc2ViYXR0ZXJ5',
    'dXNlcjpjb3JyZWN0aG9yc2ViYXR0ZXJ5',
  ),
  item(
    'private key',
    'secret',
    `-----BEGIN RSA PRIVATE KEY-----\nMIIEow${alnum(60)}\n${alnum(64)}\n-----END RSA PRIVATE KEY-----`,
    `MIIEow${alnum(60)}`,
  ),
  item('credentials in url', 'secret', 'postgres://admin:S3cr3t-Passw0rd!@db.internal:5432/app', 'S3cr3t-Passw0rd!'),
  item(
    'secret in query string',
    'secret',
    'https://api.example.com/v1/data?api_key=QwErTy987654321zz&page=2',
    'QwErTy987654321zz',
  ),
  item('assigned password', 'secret', 'password="correct-horse-battery"', 'correct-horse-battery'),
  item('email', 'pii', 'jane.doe+test@example.co.uk'),
  item('phone', 'pii', '+1 415-555-0132'),
  item('payment card', 'pii', '4111 1111 1111 1111'),
  item('iban', 'pii', 'DE89 3704 0044 0532 0130 00'),
  item('us ssn', 'pii', '123-45-6789'),
  item('uk national insurance number', 'pii', 'AB 12 34 56 C'),
  item('ip address', 'pii', '192.168.10.42'),
];
