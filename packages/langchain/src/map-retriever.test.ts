import { describe, expect, it } from 'vitest';
import { mapDocuments, mapRetrieverStart } from './map-retriever.js';

describe('retriever runs', () => {
  it('maps a retriever start and its documents', () => {
    expect(
      mapRetrieverStart({
        serialized: { id: ['x', 'FakeRetriever'] },
        query: 'cats',
        tags: [],
        metadata: {},
        runName: undefined,
      }),
    ).toEqual({
      kind: 'retriever',
      name: 'FakeRetriever',
      input: 'cats',
    });
    expect(
      mapDocuments([{ pageContent: 'a', metadata: { source: 's' }, id: 'd1' }, { pageContent: 'b', metadata: {} }, 3]),
    ).toEqual([{ id: 'd1', content: 'a', metadata: { source: 's' } }, { content: 'b', metadata: {} }, {}]);
  });
});
