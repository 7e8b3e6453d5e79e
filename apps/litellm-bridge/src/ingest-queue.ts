/** Records accepted payloads off the request path: bounded, in arrival order, a slice per event-loop turn. */
export class IngestQueue {
  private readonly pending: Record<string, unknown>[][] = [];
  private queued = 0;
  private scheduled = false;
  /** Payloads recorded so far. */
  recorded = 0;

  constructor(
    private readonly record: (payloads: Record<string, unknown>[]) => void,
    private readonly capacity: number,
    /** Most payloads recorded per turn, so that a large batch never holds up other requests for long. */
    private readonly slice = 64,
  ) {}

  /** Payloads waiting to be recorded. */
  get size(): number {
    return this.queued;
  }

  /** Queues a batch; false (nothing queued) when it does not fit. */
  offer(payloads: Record<string, unknown>[]): boolean {
    if (this.queued + payloads.length > this.capacity) return false;
    this.pending.push(payloads);
    this.queued += payloads.length;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drainSome());
    }
    return true;
  }

  /** Records everything still queued, now (shutdown). */
  drainAll(): void {
    while (this.queued > 0) this.take(Number.POSITIVE_INFINITY);
  }

  private drainSome(): void {
    this.scheduled = false;
    this.take(this.slice);
    if (this.queued > 0) {
      this.scheduled = true;
      setImmediate(() => this.drainSome());
    }
  }

  private take(limit: number): void {
    let budget = limit;
    while (budget > 0 && this.pending.length > 0) {
      const batch = this.pending[0] as Record<string, unknown>[];
      const slice = batch.length <= budget ? batch : batch.slice(0, budget);
      if (slice === batch) this.pending.shift();
      else this.pending[0] = batch.slice(budget);
      this.queued -= slice.length;
      budget -= slice.length;
      this.recorded += slice.length;
      this.record(slice);
    }
  }
}
