import type { ResolvedConfig } from '../config.js';
import { copyFields, field, readString, readStringArray } from '../internal/read.js';
import { toSafeText } from '../redaction/safe-json.js';
import { ATTR } from '../semconv.js';
import type { CallMetadata, RunKind } from '../types.js';
import type { AttributeSink } from './attributes.js';

/** Session, user, conversation, tags and the caller's extra attributes (filtered and redacted). */
export function mapMetadata(
  metadata: unknown,
  inheritedSessionId: string | undefined,
  config: ResolvedConfig,
  sink: AttributeSink,
  spanKind: 'llm' | RunKind,
): void {
  if (metadata === undefined) {
    sink.set(ATTR.SESSION_ID_GENERAL, inheritedSessionId);
    return;
  }
  const { sessionId, userId, conversationId, tags, attributes } = metadataFields(metadata);
  // Ids and tags are caller-supplied text too: an email as a user id is PII like any other.
  const redact = (value: string | undefined, attribute: string) =>
    value === undefined ? undefined : toSafeText(value, config.redactor, { attribute, spanKind });
  sink.set(ATTR.SESSION_ID_GENERAL, redact(readString(sessionId), ATTR.SESSION_ID_GENERAL) ?? inheritedSessionId);
  sink.set(ATTR.USER_ID, redact(readString(userId), ATTR.USER_ID));
  if (spanKind === 'llm') sink.set(ATTR.CONVERSATION_ID, redact(readString(conversationId), ATTR.CONVERSATION_ID));
  const tagList = readStringArray(tags);
  if (tagList && config.agentopsKeys)
    sink.set(
      ATTR.TAGS,
      tagList.map((tag) => redact(tag, ATTR.TAGS) as string),
    );
  mapExtraAttributes(attributes, config, sink, spanKind);
}

const METADATA_KEYS = ['sessionId', 'userId', 'conversationId', 'tags', 'attributes'];

/** The metadata fields, read directly and all at once, field by field only if a read throws (see `copyFields`). */
function metadataFields(metadata: unknown): CallMetadata {
  try {
    const { sessionId, userId, conversationId, tags, attributes } = metadata as CallMetadata;
    return { sessionId, userId, conversationId, tags, attributes };
  } catch {
    return copyFields<CallMetadata>(metadata, METADATA_KEYS);
  }
}

/** Caller-supplied attributes: never-exported keys dropped, string values redacted. */
export function mapExtraAttributes(
  extra: unknown,
  config: ResolvedConfig,
  sink: AttributeSink,
  spanKind: 'llm' | RunKind,
): void {
  if (!extra || typeof extra !== 'object') return;
  for (const key of Object.keys(extra)) {
    if (config.redactor.isDroppedKey(key) || isDroppedAttributeKey(key, config)) continue;
    const value = field(extra, key);
    sink.set(key, typeof value === 'string' ? toSafeText(value, config.redactor, { attribute: key, spanKind }) : value);
  }
}

// `x.api_key`, `http.request.header.authorization`: the last segment decides.
function isDroppedAttributeKey(key: string, config: ResolvedConfig): boolean {
  const dot = key.lastIndexOf('.');
  return dot >= 0 && config.redactor.isDroppedKey(key.slice(dot + 1));
}
