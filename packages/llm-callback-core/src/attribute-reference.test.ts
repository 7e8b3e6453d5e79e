import { readFileSync, writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { ATTRIBUTE_REFERENCE, renderAttributeReference } from './attribute-reference.js';
import { ATTR } from './semconv.js';

it('documents every attribute key the core writes, once', () => {
  const documented = ATTRIBUTE_REFERENCE.map((doc) => doc.key);
  expect(new Set(documented).size).toBe(documented.length);
  expect([...documented].sort()).toEqual([...new Set(Object.values(ATTR))].sort());
});

it('ATTRIBUTES.md is up to date (regenerate with `npm run docs -w @agentops/llm-callback-core`)', () => {
  const path = new URL('../ATTRIBUTES.md', import.meta.url);
  if (process.env.WRITE_ATTRIBUTE_REFERENCE === '1') writeFileSync(path, renderAttributeReference());
  const file = readFileSync(path, 'utf8');
  expect(file).toBe(renderAttributeReference());
});
