const MAX_DEPTH = 64;

/**
 * Runs LangChain marks as plumbing (`langsmith:hidden`) get no span: each maps to its parent, so that its children
 * attach to the nearest ancestor that has one.
 */
export class HiddenRuns {
  private readonly runs = new Map<string, { parent: string | undefined; at: number }>();

  /** @param ttlMs how long a hidden root (no parent) that never ends is kept */
  constructor(private readonly ttlMs: number) {}

  /** Number of hidden runs tracked. */
  get size(): number {
    return this.runs.size;
  }

  /** True while `key` is a hidden run. */
  has(key: string): boolean {
    return this.runs.has(key);
  }

  /** Adds a hidden run under `parent` (already resolved to a visible run). */
  add(key: string, parent: string | undefined, isOpen: (key: string) => boolean): void {
    this.prune(isOpen);
    this.runs.set(key, { parent, at: Date.now() });
  }

  /** Removes `key`; true if it was a hidden run. */
  delete(key: string): boolean {
    return this.runs.delete(key);
  }

  /** The nearest ancestor of `parent` that is not hidden. */
  resolve(parent: string | undefined): string | undefined {
    let current = parent;
    for (let depth = 0; current !== undefined && depth < MAX_DEPTH; depth++) {
      const hidden = this.runs.get(current);
      if (!hidden) return current;
      current = hidden.parent;
    }
    return current;
  }

  /** Drops hidden runs that never ended once their parent is gone (or, for hidden roots, after the TTL). */
  prune(isOpen: (key: string) => boolean): void {
    if (this.runs.size === 0) return;
    const now = Date.now();
    for (const [key, { parent, at }] of this.runs) {
      const gone = parent !== undefined ? !isOpen(parent) : now - at > this.ttlMs;
      if (gone) this.runs.delete(key);
    }
  }

  /** Forgets every hidden run. */
  clear(): void {
    this.runs.clear();
  }
}
