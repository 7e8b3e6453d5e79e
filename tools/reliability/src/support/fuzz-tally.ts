import type { DiagCollector } from './diag-collector.ts';
import { writeFigure } from './figures.ts';
import { describeValue, type FuzzCase } from './hostile.ts';

interface EntryTally {
  calls: number;
  /** Exceptions that reached the caller, by message (the property under test is that there are none). */
  escapes: Map<string, { count: number; example: string }>;
  trapped: number;
  slowestMs: number;
  slowestInput: string;
  totalMs: number;
  /** Internal failures logged for inputs without traps, by message. */
  failures: Map<string, { count: number; example: string }>;
}

/**
 * Per entry point: how many inputs ran, how long the slowest took (a figure: it would show a regex or recursion
 * blow-up, but it is never asserted), and which internal failures plain data (no traps) caused. Those failures are
 * caught, so they are not exceptions into the caller; each one still drops attributes, so they are reported.
 */
export class FuzzTally {
  private readonly entries = new Map<string, EntryTally>();
  /** Extra findings written with the figure (e.g. invalid JSON attributes). */
  readonly notes: Record<string, unknown> = {};

  constructor(private readonly adapter: string) {}

  private entry(name: string): EntryTally {
    let entry = this.entries.get(name);
    if (!entry) {
      entry = {
        calls: 0,
        escapes: new Map(),
        trapped: 0,
        slowestMs: 0,
        slowestInput: '',
        totalMs: 0,
        failures: new Map(),
      };
      this.entries.set(name, entry);
    }
    return entry;
  }

  /**
   * Runs one entry-point call, timing it. The call must not throw: an exception is recorded as an escape (and
   * rethrown only with `rethrow`), so that one defect does not stop the other inputs from running; each test then
   * asserts {@link escapes} is empty.
   */
  async time<T>(name: string, fuzzCase: FuzzCase, call: () => Promise<T> | T, rethrow = false): Promise<T | undefined> {
    const entry = this.entry(name);
    entry.calls++;
    if (fuzzCase.trapped) entry.trapped++;
    const started = performance.now();
    try {
      return await call();
    } catch (error) {
      if (rethrow) throw error;
      this.escape(entry, error, fuzzCase);
      return undefined;
    } finally {
      const elapsed = performance.now() - started;
      entry.totalMs += elapsed;
      if (elapsed > entry.slowestMs) {
        entry.slowestMs = elapsed;
        entry.slowestInput = fuzzCase.args
          .map((arg) => describeValue(arg, 1))
          .join(', ')
          .slice(0, 300);
      }
    }
  }

  /** {@link time} for synchronous entry points (no promise per call, which keeps 10,000-input runs quick). */
  timeSync<T>(name: string, fuzzCase: FuzzCase, call: () => T): T | undefined {
    const entry = this.entry(name);
    entry.calls++;
    if (fuzzCase.trapped) entry.trapped++;
    const started = performance.now();
    try {
      return call();
    } catch (error) {
      this.escape(entry, error, fuzzCase);
      return undefined;
    } finally {
      const elapsed = performance.now() - started;
      entry.totalMs += elapsed;
      if (elapsed > entry.slowestMs) {
        entry.slowestMs = elapsed;
        entry.slowestInput = fuzzCase.args
          .map((arg) => describeValue(arg, 1))
          .join(', ')
          .slice(0, 300);
      }
    }
  }

  /** Records the internal-failure warnings logged since `before` (for a case without traps). */
  internalFailures(name: string, fuzzCase: FuzzCase, diag: DiagCollector, before: number): void {
    const logged = diag.counts.warn - before;
    if (logged <= 0) return;
    const entry = this.entry(name);
    for (const message of diag.messages.slice(-Math.min(logged, diag.messages.length))) {
      const key = message.text.replace(/\d+/g, 'N').slice(0, 160);
      const seen = entry.failures.get(key);
      if (seen) seen.count++;
      else
        entry.failures.set(key, {
          count: 1,
          example: fuzzCase.args
            .map((arg) => describeValue(arg, 1))
            .join(', ')
            .slice(0, 300),
        });
    }
  }

  private escape(entry: EntryTally, error: unknown, fuzzCase: FuzzCase): void {
    let message: string;
    try {
      message = error instanceof Error ? `${error.name}: ${error.message}` : `thrown ${typeof error}`;
    } catch {
      message = 'thrown unprintable value';
    }
    const seen = entry.escapes.get(message);
    if (seen) seen.count++;
    else {
      let where = '';
      try {
        // The frames that name our packages point at the suspected cause.
        where = String((error as Error).stack ?? '')
          .split('\n')
          .filter((line) => line.includes('/packages/'))
          .slice(0, 3)
          .map((line) =>
            line
              .trim()
              .replace(/^at /, '')
              .replace(/\(.*\/packages\//, '(packages/'),
          )
          .join(' < ');
      } catch {
        // No stack to show.
      }
      const example = fuzzCase.args
        .map((arg) => describeValue(arg, 1))
        .join(', ')
        .slice(0, 300);
      entry.escapes.set(message, { count: 1, example: where ? `${example} AT ${where}` : example });
    }
  }

  /** Exceptions that reached the caller (for entry points whose name starts with `prefix`). Must be empty. */
  escapes(prefix = ''): string[] {
    const out: string[] = [];
    for (const [name, entry] of this.entries)
      if (name.startsWith(prefix))
        for (const [message, { count, example }] of entry.escapes)
          out.push(`${name}: ${message} (${count}×) e.g. ${example}`);
    return out;
  }

  calls(name: string): number {
    return this.entries.get(name)?.calls ?? 0;
  }

  /** Internal failures on trap-free input, over all entry points. */
  failureCount(): number {
    let total = 0;
    for (const entry of this.entries.values()) for (const failure of entry.failures.values()) total += failure.count;
    return total;
  }

  /** Prints the tally and writes `results/fuzz-<adapter>.json`. */
  print(): void {
    const data = Object.fromEntries(
      [...this.entries].map(([name, entry]) => [
        name,
        {
          inputs: entry.calls,
          withTraps: entry.trapped,
          meanMs: Math.round((entry.totalMs / Math.max(1, entry.calls)) * 1000) / 1000,
          slowestMs: Math.round(entry.slowestMs * 10) / 10,
          slowestInput: entry.slowestInput,
          exceptionsIntoCaller: Object.fromEntries(entry.escapes),
          internalFailuresOnPlainData: Object.fromEntries(entry.failures),
        },
      ]),
    );
    writeFigure(`fuzz-${this.adapter}`, `npm run test:reliability -- src/hostile-${this.adapter}.test.ts`, {
      ...data,
      ...this.notes,
    });
  }
}
