import { DiagLogLevel, diag } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTracingInitializer, type TracingLoader } from './tracing-init.js';

const warn = vi.fn();

beforeEach(() => {
  warn.mockReset();
  diag.setLogger({ warn, error: vi.fn(), info: vi.fn(), debug: vi.fn(), verbose: vi.fn() }, DiagLogLevel.WARN);
});
afterEach(() => diag.disable());

describe('createTracingInitializer', () => {
  it('neither throws nor rejects when the tracing package cannot be imported', async () => {
    const missing = '@agentops/no-such-package';
    const initialize = createTracingInitializer(() => import(/* @vite-ignore */ missing));
    let done: Promise<boolean> | undefined;
    expect(() => {
      done = initialize('key');
    }).not.toThrow();
    await expect(done).resolves.toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.join(' '))).toContain('@agentops/tracing could not be set up');
  });

  it.each<[string, TracingLoader]>([
    [
      'a loader that throws synchronously',
      () => {
        throw new Error('sync');
      },
    ],
    ['a module without init', async () => ({ other: 1 })],
    ['a module that is not an object', async () => 42],
    [
      'an init that throws',
      async () => ({
        init: () => {
          throw new Error('bad key');
        },
      }),
    ],
  ])('reports %s as a warning, never as an error', async (_name, load) => {
    await expect(createTracingInitializer(load)('key')).resolves.toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('calls init once with the key; a later, different key is ignored with a warning', async () => {
    const init = vi.fn();
    const load = vi.fn(async () => ({ init }));
    const initialize = createTracingInitializer(load);
    const first = initialize('key-1');
    expect(initialize('key-1')).toBe(first);
    await expect(first).resolves.toBe(true);
    await expect(initialize('key-2')).resolves.toBe(true);
    expect(load).toHaveBeenCalledTimes(1);
    expect(init).toHaveBeenCalledTimes(1);
    expect(init).toHaveBeenCalledWith({ apiKey: 'key-1' });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.join(' '))).toContain('another key');
  });
});
