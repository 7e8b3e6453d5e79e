import fc from 'fast-check';

/*
 * Generators of hostile input. Two families:
 * - "junk": what a broken or malicious peer can send as data (wrong types, malformed JSON text, huge strings,
 *   deep nesting, cycles, NaN and friends, odd Unicode). Instrumentation must record the call anyway: junk may cost
 *   attributes, never the span, and must not make the adapter or the core log an internal failure.
 * - "traps": in-process values that throw when touched (proxies, throwing getters, revoked proxies, values that
 *   cannot be turned into a string). Instrumentation must not throw or crash; losing the call's data is allowed.
 */

/** Marker that {@link mutate} replaces with the root object, making the payload cyclic. */
export const CYCLE = Symbol('cycle to root');

function deepArray(depth: number): unknown {
  let value: unknown = ['bottom'];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function deepObject(depth: number): unknown {
  let value: unknown = { content: 'bottom' };
  for (let i = 0; i < depth; i++) value = { role: 'user', content: value };
  return value;
}

/** Strings shaped to stress the redaction regexes (the core promises linear-time rules), repeated to `length`. */
function stressStrings(length: number): string[] {
  const fill = (unit: string, prefix = '', suffix = '') =>
    prefix + unit.repeat(Math.max(1, Math.ceil((length - prefix.length - suffix.length) / unit.length))) + suffix;
  return [
    fill('lorem ipsum '),
    fill('4111 '),
    fill('a@b.'),
    fill('sk-'),
    fill('A'),
    fill('A', '-----BEGIN RSA PRIVATE KEY-----\n'),
    fill('user:', 'https://', '@host'),
    fill('password='),
    fill('a', 'eyJ', '.eyJb.c'),
    fill('\n'),
    fill('{"role":"user","content":'),
    fill('\u{1F600}'),
    fill('Bearer '),
    fill('+1 415-555-'),
  ];
}

/** Long strings (just past the core's content limit plus its scan margin), for the random inputs. */
export const LONG_STRINGS: readonly string[] = stressStrings(40_000);

/** Huge strings (about 400,000 characters), for the extreme inputs. */
export const HUGE_STRINGS: readonly string[] = stressStrings(400_000);

/** Deeply nested values (stack-overflow bait for recursive mappers and serializers) and their JSON text. */
export const DEEP_VALUES: readonly unknown[] = [
  deepArray(20_000),
  deepObject(20_000),
  `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
  `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`,
];

/** Big but finite collections, as a hostile JSON body could carry (for the extreme inputs). */
export const BIG_VALUES: readonly unknown[] = [
  Array.from({ length: 100_000 }, (_, i) => ({ role: 'user', content: `m${i}` })),
  Array.from({ length: 100_000 }, () => 0),
  Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i])),
];

/** Every extreme value: huge strings, deep nesting, big collections. Each entry point gets each one in each argument. */
export const EXTREMES: readonly unknown[] = [...HUGE_STRINGS, ...DEEP_VALUES, ...BIG_VALUES];

/** Values LiteLLM itself writes in place of objects, and odd scalars. */
const ODD_SCALARS: readonly unknown[] = [
  'MaxDepthExceeded',
  'CircularReference Detected',
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  1e308,
  -1,
  Number.MAX_SAFE_INTEGER + 2,
  '1e309',
  'NaN',
  '',
  ' ',
  '\u0000',
  '\uD800',
  '\uDFFF\uD800',
  '\u202Eevil',
  'null',
  'undefined',
  '[object Object]',
  '__proto__',
  'constructor',
  new Date(Number.NaN),
  new Date(8.64e15),
  new Date(-8.64e15),
  10n ** 30n,
];

/** Malformed JSON text: valid JSON cut short or with a stray character. */
export const malformedJson: fc.Arbitrary<string> = fc
  .tuple(fc.json({ maxDepth: 3 }), fc.nat(), fc.constantFrom('', '{', ']', '"', ',', '\\', '\u0000', 'NaN'))
  .map(([text, cut, extra]) => {
    const at = text.length > 1 ? 1 + (cut % (text.length - 1)) : 0;
    return text.slice(0, at) + extra;
  });

const cyclic: fc.Arbitrary<unknown> = fc
  .tuple(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 }), fc.boolean())
  .map(([base, asArray]) => {
    const value: Record<string, unknown> = { ...base };
    const list: unknown[] = [value];
    value.self = value;
    value.list = list;
    list.push({ back: list });
    return asArray ? list : value;
  });

/** Data a broken or malicious peer can send: see the module comment. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.anything({ maxDepth: 2, maxKeys: 5, withNullPrototype: true, withBigInt: true, withDate: true }),
  },
  {
    weight: 2,
    arbitrary: fc.anything({
      maxDepth: 2,
      maxKeys: 4,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withSparseArray: true,
      withBoxedValues: true,
      withObjectString: true,
    }),
  },
  { weight: 3, arbitrary: fc.constantFrom(...ODD_SCALARS) },
  { weight: 2, arbitrary: malformedJson },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: cyclic },
  { weight: 1, arbitrary: fc.constant(CYCLE) },
  { weight: 1, arbitrary: fc.constantFrom(...LONG_STRINGS) },
  { weight: 1, arbitrary: fc.constantFrom(...DEEP_VALUES) },
);

function thrower(label: string): () => never {
  return () => {
    throw new Error(`trap: ${label}`);
  };
}

/** Every trap throws. */
function throwingProxy(target: object): object {
  const fail = thrower('proxy');
  return new Proxy(target, {
    get: fail,
    has: fail,
    ownKeys: fail,
    getOwnPropertyDescriptor: fail,
    getPrototypeOf: fail,
    set: fail,
    defineProperty: fail,
    deleteProperty: fail,
    apply: fail,
  });
}

function revoked(target: object): object {
  const { proxy, revoke } = Proxy.revocable(target, {});
  revoke();
  return proxy;
}

/** An object whose common payload keys are getters that throw (what `thrown` is: an Error, or unprintable). */
function getterBomb(thrown: () => unknown): object {
  const value: Record<string, unknown> = { ok: 1 };
  for (const key of [
    'model',
    'messages',
    'content',
    'role',
    'usage',
    'choices',
    'message',
    'kwargs',
    'litellm_call_id',
    'standard_logging_object',
    'response',
    'text',
    'type',
    'id',
    'name',
    'arguments',
    'generations',
    'llmOutput',
    'stream',
    'prompt',
    'finishReason',
    'error',
    'length',
  ]) {
    Object.defineProperty(value, key, {
      enumerable: true,
      get() {
        throw thrown();
      },
    });
  }
  return value;
}

/** Cannot be converted to a string or number, or serialized. */
function primitiveBomb(): object {
  const fail = thrower('primitive');
  return { toString: fail, valueOf: fail, toJSON: fail, [Symbol.toPrimitive]: fail };
}

function iteratorBomb(): unknown[] {
  const list = [1, 2, 3];
  Object.defineProperty(list, Symbol.iterator, { value: thrower('iterator') });
  return list;
}

const TRAP_MAKERS: readonly (() => unknown)[] = [
  () => throwingProxy({}),
  () => throwingProxy([]),
  () => throwingProxy(() => undefined),
  () => revoked({}),
  () => revoked([]),
  () => getterBomb(() => new Error('trap: getter')),
  () => getterBomb(() => Object.create(null)),
  () => getterBomb(() => primitiveBomb()),
  () => getterBomb(() => Symbol('thrown symbol')),
  () => primitiveBomb(),
  () => iteratorBomb(),
  () => Object.freeze({ messages: [primitiveBomb()], content: primitiveBomb() }),
  () => ({ role: primitiveBomb(), content: [primitiveBomb()] }),
  () =>
    new Proxy([1, 2], { get: (target, key) => (key === 'length' ? thrower('length')() : Reflect.get(target, key)) }),
];

/**
 * Stands for a trap until {@link materialize} builds it: fast-check itself inspects generated values (clone and
 * print hooks), which a real trap would break.
 */
export class TrapToken {
  constructor(readonly index: number) {}
  [fc.toStringMethod](): string {
    return `<trap ${this.index}>`;
  }
}

/** In-process values that throw when touched (as tokens; see {@link TrapToken}). */
export const trap: fc.Arbitrary<unknown> = fc
  .integer({ min: 0, max: TRAP_MAKERS.length - 1 })
  .map((index) => new TrapToken(index));

/** Values that hold a trap somewhere (registered where traps are placed, so no walk is needed). */
const TRAPPED = new WeakSet<object>();

/**
 * Builds the trap a {@link TrapToken} stands for. Arrays are looked into one level deep (batches of items); the
 * result is remembered as trapped.
 */
export function materialize(value: unknown): unknown {
  if (value instanceof TrapToken) {
    const made = TRAP_MAKERS[value.index]?.();
    if (made !== null && (typeof made === 'object' || typeof made === 'function')) MADE_TRAPS.add(made);
    return made;
  }
  if (isTrapped(value)) return value;
  if (Array.isArray(value) && value.length <= 1000) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item instanceof TrapToken) {
        value[i] = materialize(item);
        TRAPPED.add(value);
      } else if (isTrapped(item)) TRAPPED.add(value);
    }
  }
  return value;
}

/** True when `value` is a trap or holds one (as placed by this module). */
export function isTrapped(value: unknown): boolean {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  if (TRAPPED.has(value)) return true;
  try {
    // Traps that are objects of their own (not plain containers we built) are marked when made.
    return MADE_TRAPS.has(value);
  } catch {
    return true;
  }
}

const MADE_TRAPS = new WeakSet<object>();

/** Junk most of the time, traps sometimes. */
export const anything: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 19, arbitrary: junk },
  { weight: 1, arbitrary: trap },
);

type Path = readonly (string | number)[];

/** Paths to every value in `value` up to `maxDepth` (objects and arrays). */
export function pathsOf(value: unknown, maxDepth = 6, prefix: Path = []): Path[] {
  if (prefix.length >= maxDepth || value === null || typeof value !== 'object') return [];
  const out: Path[] = [];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((item, i) => [i, item])
    : Object.entries(value);
  for (const [key, item] of entries) {
    const path = [...prefix, key];
    out.push(path, ...pathsOf(item, maxDepth, path));
  }
  return out;
}

/** Sets `value` at `path`; with `trapped`, every container on the way is marked as holding a trap. */
function setPath(root: unknown, path: Path, value: unknown, trapped: boolean): void {
  let target = root as Record<string | number, unknown>;
  const containers: object[] = [target];
  for (const key of path.slice(0, -1)) {
    const next = target[key];
    if (next === null || typeof next !== 'object') return;
    target = next as Record<string | number, unknown>;
    containers.push(target);
  }
  const last = path[path.length - 1];
  if (last === undefined) return;
  target[last] = value === CYCLE ? root : value;
  if (trapped) for (const container of containers) TRAPPED.add(container);
}

/** `base` (a JSON value) with 1 to 4 of its values, at any depth, replaced by values from `values`. */
export function mutate<T extends object>(base: T, values: fc.Arbitrary<unknown> = anything): fc.Arbitrary<T> {
  const paths = pathsOf(base);
  const text = JSON.stringify(base);
  return fc
    .tuple(
      fc.subarray(paths, { minLength: 1, maxLength: Math.min(4, paths.length) }),
      fc.array(values, { minLength: 4, maxLength: 4 }),
    )
    .map(([chosen, replacements]) => {
      const copy = JSON.parse(text) as T;
      // Deepest first: a write below a path that is replaced later lands in the base's copy, never inside a
      // replacement (replacements can be shared constants).
      const order = chosen
        .map((path, i) => ({ path, value: replacements[i] }))
        .sort((a, b) => b.path.length - a.path.length);
      for (const { path, value } of order) {
        const placed = materialize(value);
        setPath(copy, path, placed, value instanceof TrapToken || isTrapped(placed));
      }
      return copy;
    });
}

/** Short, never-throwing description of a value for counterexample reports (huge values would flood the log). */
export function describeValue(value: unknown, depth = 2): string {
  try {
    if (typeof value === 'string')
      return value.length > 60
        ? `string(${value.length}) ${JSON.stringify(value.slice(0, 40))}…`
        : JSON.stringify(value);
    if (typeof value === 'bigint') return `${value}n`;
    if (typeof value === 'symbol') return value === CYCLE ? '<cycle>' : value.toString();
    if (typeof value === 'function') return '<function>';
    if (value === null || typeof value !== 'object') return String(value);
    if (depth === 0) return Array.isArray(value) ? `[…${value.length}]` : '{…}';
    if (Array.isArray(value)) {
      const items = value.slice(0, 4).map((item) => describeValue(item, depth - 1));
      return `[${items.join(', ')}${value.length > 4 ? `, …(${value.length})` : ''}]`;
    }
    const keys = Object.keys(value);
    const shown = keys
      .slice(0, 6)
      .map((key) => `${key}: ${describeValue((value as Record<string, unknown>)[key], depth - 1)}`);
    return `{${shown.join(', ')}${keys.length > 6 ? `, …(${keys.length} keys)` : ''}}`;
  } catch {
    return '<trap>';
  }
}

/**
 * A value handed through fast-check unopened: a trap taken out of its container would otherwise be inspected by
 * fast-check's own hooks. {@link asCase} unwraps it.
 */
export class Unbox {
  constructor(
    readonly value: unknown,
    readonly trapped: boolean,
  ) {}
  [fc.toStringMethod](): string {
    return 'Unbox(…)';
  }
}

/** `base[key]` after {@link mutate}, boxed (see {@link Unbox}). */
export function mutateField<T extends object>(base: T, key: keyof T & string): fc.Arbitrary<Unbox> {
  return mutate(base).map((copy) => new Unbox((copy as Record<string, unknown>)[key], isTrapped(copy)));
}

/** One fuzz case: the arguments of one entry-point call, printed briefly when fast-check reports it. */
export interface FuzzCase {
  args: unknown[];
  /** True when a trap is somewhere in the arguments. */
  trapped: boolean;
}

/** Wraps argument tuples as {@link FuzzCase}s with a short printout. */
export function asCase(generated: unknown[]): FuzzCase {
  const args = generated.map((arg) => (arg instanceof Unbox ? arg.value : materialize(arg)));
  const trapped = generated.some((arg, i) =>
    arg instanceof Unbox ? arg.trapped : arg instanceof TrapToken || isTrapped(args[i]),
  );
  const fuzzCase: FuzzCase = { args, trapped };
  Object.defineProperty(fuzzCase, fc.toStringMethod, {
    value: () => `FuzzCase(${args.map((arg) => describeValue(arg)).join(', ')})`,
  });
  return fuzzCase;
}

/** Gives generated objects a short printout, so a failing case with huge or 20,000-deep values can be reported. */
export function brief<T extends object>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return arbitrary.map((value) => {
    Object.defineProperty(value, fc.toStringMethod, { value: () => describeValue(value, 3), enumerable: false });
    return value;
  });
}
