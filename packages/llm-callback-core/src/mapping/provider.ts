/** GenAI `gen_ai.provider.name` values for the names frameworks use. */
const GENAI_PROVIDERS: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  azure: 'azure.ai.openai',
  azure_ai: 'azure.ai.inference',
  'azure-openai': 'azure.ai.openai',
  bedrock: 'aws.bedrock',
  'amazon-bedrock': 'aws.bedrock',
  vertex_ai: 'gcp.vertex_ai',
  vertex: 'gcp.vertex_ai',
  'google-vertex': 'gcp.vertex_ai',
  gemini: 'gcp.gemini',
  google: 'gcp.gemini',
  'google-generative-ai': 'gcp.gemini',
  cohere: 'cohere',
  deepseek: 'deepseek',
  groq: 'groq',
  watsonx: 'ibm.watsonx.ai',
  mistral: 'mistral_ai',
  mistralai: 'mistral_ai',
  perplexity: 'perplexity',
  xai: 'x_ai',
};

// An app calls one or a few providers, and the names below are mapped on every call: each function remembers its last
// answer (a string comparison instead of lowercasing and a table lookup). They are pure, so that is always the answer.
let lastProvider: string | undefined;
let lastShortName = '';
let lastGenaiProvider: string | undefined;
let lastGenaiName = '';
let lastReason: string | undefined;
let lastNormalizedReason = '';

/** Short provider name (`openai.chat` → `openai`, `Anthropic` → `anthropic`), used for `gen_ai.system`. */
export function shortProviderName(provider: string): string {
  if (provider === lastProvider) return lastShortName;
  const lower = provider.trim().toLowerCase();
  const dot = lower.indexOf('.');
  lastShortName = dot > 0 ? lower.slice(0, dot) : lower;
  lastProvider = provider;
  return lastShortName;
}

/** The GenAI conventions' provider name, or the lowercase short name for providers they do not list. */
export function genaiProviderName(provider: string): string {
  if (provider === lastGenaiProvider) return lastGenaiName;
  const short = shortProviderName(provider);
  lastGenaiName = Object.hasOwn(GENAI_PROVIDERS, short) ? (GENAI_PROVIDERS[short] as string) : short;
  lastGenaiProvider = provider;
  return lastGenaiName;
}

const FINISH_REASONS: Record<string, string> = {
  stop: 'stop',
  end_turn: 'stop',
  stop_sequence: 'stop',
  eos: 'stop',
  complete: 'stop',
  length: 'length',
  max_tokens: 'length',
  model_length: 'length',
  tool_calls: 'tool_call',
  'tool-calls': 'tool_call',
  tool_call: 'tool_call',
  tool_use: 'tool_call',
  function_call: 'tool_call',
  content_filter: 'content_filter',
  'content-filter': 'content_filter',
  safety: 'content_filter',
  recitation: 'content_filter',
  error: 'error',
};

/** Finish reasons in the GenAI vocabulary (`tool_calls` → `tool_call`, `end_turn` → `stop`); others pass through. */
export function normalizeFinishReason(reason: string): string {
  if (reason === lastReason) return lastNormalizedReason;
  const lower = reason.toLowerCase();
  // Own keys only: a reason like "constructor" must not read Object.prototype.
  lastNormalizedReason = Object.hasOwn(FINISH_REASONS, lower) ? (FINISH_REASONS[lower] as string) : reason;
  lastReason = reason;
  return lastNormalizedReason;
}
