import { DiagLogLevel, diag } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { warn, warnFailure } from './log.js';
import { describeError } from './read.js';

afterEach(() => diag.disable());

describe('describeError', () => {
  it('describes errors, other values and values that cannot become a string', () => {
    expect(describeError(new TypeError('bad'))).toBe('TypeError: bad');
    expect(describeError('text')).toBe('text');
    expect(describeError(Object.create(null))).toBe('unprintable error');
    const fail = () => {
      throw new Error('no');
    };
    expect(describeError({ toString: fail, [Symbol.toPrimitive]: fail })).toBe('unprintable error');
    const error = new Error('x');
    Object.defineProperty(error, 'message', { get: fail });
    expect(describeError(error)).toBe('unprintable error');
  });
});

describe('warn', () => {
  it('logs the failure and survives a diag logger that throws', () => {
    const lines: string[] = [];
    const log = (...args: unknown[]) => {
      lines.push(args.join(' '));
      throw new Error('logger broke');
    };
    diag.setLogger({ error: log, warn: log, info: log, debug: log, verbose: log }, DiagLogLevel.WARN);
    expect(() => warnFailure('handleChainEnd failed', Object.create(null))).not.toThrow();
    expect(() => warn('plain')).not.toThrow();
    expect(lines).toEqual([
      expect.stringContaining('handleChainEnd failed: unprintable error'),
      expect.stringContaining('plain'),
    ]);
  });
});
