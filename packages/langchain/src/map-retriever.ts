import { field, readString } from '@agentops/llm-callback-core/adapter-kit';
import { mapRunMetadata, type RunStartFields, runNameOf } from './map-run.js';
import { compact, list, safely } from './read.js';

/** The arguments of `handleRetrieverStart` that mapping reads. */
export interface RetrieverStartArgs {
  serialized: unknown;
  query: unknown;
  tags: unknown;
  metadata: unknown;
  runName: unknown;
}

/** `handleRetrieverStart` → run-start fields, with the query as input. */
export function mapRetrieverStart(args: RetrieverStartArgs): RunStartFields {
  return {
    kind: 'retriever',
    name: runNameOf(args.serialized, args.runName, 'retriever'),
    input: args.query,
    metadata: safely(() => mapRunMetadata(args.metadata, args.tags)),
  };
}

/** Retrieved documents → `{content, metadata, id}` objects. */
export function mapDocuments(documents: unknown): unknown[] {
  return list(documents).map((document) =>
    compact({
      id: readString(field(document, 'id')),
      content: field(document, 'pageContent'),
      metadata: field(document, 'metadata'),
    }),
  );
}
