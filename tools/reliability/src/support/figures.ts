import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { HEAVY } from './config.ts';

/** Where figures are written: tools/reliability/results/. */
export const RESULTS_DIR = fileURLToPath(new URL('../../results/', import.meta.url));

/** The machine a figure was taken on (this is a shared 2-core box: figures are indicative, never asserted). */
export function machine(): Record<string, unknown> {
  return {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    loadAverage1m: Number(loadavg()[0]?.toFixed(2)),
    at: new Date().toISOString(),
  };
}

/** Writes `results/<name>.json` (`<name>-heavy.json` with `RELIABILITY_HEAVY=1`), with the machine and the command, and prints it. */
export function writeFigure(name: string, command: string, data: unknown): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = HEAVY ? `${name}-heavy` : name;
  // The variables that shaped the run belong to the command that reproduces it.
  const variables = Object.entries(process.env)
    .filter(([key]) => key.startsWith('RELIABILITY_'))
    .map(([key, value]) => `${key}=${value}`);
  const fullCommand = [...variables, command].join(' ');
  const record = { figure: file, command: fullCommand, machine: machine(), data };
  writeFileSync(`${RESULTS_DIR}${file}.json`, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`FIGURE ${file} (${fullCommand})\n${JSON.stringify(data, null, 2)}`);
}

/** Percentiles of a list of numbers (nearest rank). */
export function summarize(values: readonly number[]): {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
} {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
  const round = (n: number) => Math.round(n * 1000) / 1000;
  const mean = sorted.reduce((sum, n) => sum + n, 0) / (sorted.length || 1);
  return {
    count: sorted.length,
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    max: round(sorted[sorted.length - 1] ?? 0),
    mean: round(mean),
  };
}
