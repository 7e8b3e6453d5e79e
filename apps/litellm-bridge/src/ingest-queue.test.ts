import { describe, expect, it } from 'vitest';
import { IngestQueue } from './ingest-queue.ts';

const payloads = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ id: `p${from + i}` }));
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('IngestQueue', () => {
  it('records off the caller, in order, a slice per event-loop turn', async () => {
    const seen: string[][] = [];
    const queue = new IngestQueue((batch) => seen.push(batch.map((p) => String(p.id))), 10, 3);
    expect(queue.offer(payloads(0, 4))).toBe(true);
    expect(queue.offer(payloads(4, 2))).toBe(true);
    expect(seen).toEqual([]);
    expect(queue.size).toBe(6);
    await nextTurn();
    expect(seen).toEqual([['p0', 'p1', 'p2']]);
    await nextTurn();
    await nextTurn();
    expect(seen.flat()).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5']);
    expect(queue).toMatchObject({ size: 0, recorded: 6 });
  });

  it('refuses a batch that does not fit, whole', () => {
    const queue = new IngestQueue(() => {}, 5);
    expect(queue.offer(payloads(0, 4))).toBe(true);
    expect(queue.offer(payloads(4, 2))).toBe(false);
    expect(queue.size).toBe(4);
  });

  it('drainAll records everything at once', () => {
    const seen: unknown[] = [];
    const queue = new IngestQueue((batch) => seen.push(...batch), 100, 2);
    queue.offer(payloads(0, 5));
    queue.drainAll();
    expect(seen).toHaveLength(5);
    expect(queue.size).toBe(0);
  });
});
