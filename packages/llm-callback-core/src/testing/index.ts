export type { CorpusItem } from './secret-corpus.js';
export { SECRET_CORPUS } from './secret-corpus.js';
export type { ReadableSpanLike, SpanCapture } from './span-capture.js';
export { createSpanCapture } from './span-capture.js';
export type { SpanTreeNode, SpanTreeOptions } from './span-tree.js';
export { serializeSpanTree, spanTree } from './span-tree.js';
export type { TestTracing, TestTracingOptions, TracerProviderClass } from './test-tracing.js';
export { createTestTracing } from './test-tracing.js';
