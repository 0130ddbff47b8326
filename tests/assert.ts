/**
 * A small stand-in for `@std/assert` (JSR is unreachable here), with the
 * same names and signatures; deno.json maps "@std/assert" to it.
 *
 * @module
 */

/** Thrown when an assertion fails. */
export class AssertionError extends Error {
  /** @param message The failure. */
  constructor(message: string) {
    super(message);
    this.name = "AssertionError";
  }
}

function fmt(v: unknown): string {
  return Deno.inspect(v, { depth: 10, sorted: true, compact: true, iterableLimit: 200 });
}

/** Deep structural equality, as @std/assert's `equal`. */
export function equal(a: unknown, b: unknown): boolean {
  const seen = new Map<unknown, unknown>();
  const eq = (x: unknown, y: unknown): boolean => {
    if (Object.is(x, y)) return true;
    if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
    if (x instanceof Date && y instanceof Date) return x.getTime() === y.getTime();
    if (x instanceof RegExp && y instanceof RegExp) return String(x) === String(y);
    if (Object.getPrototypeOf(x) !== Object.getPrototypeOf(y)) return false;
    if (seen.get(x) === y) return true;
    seen.set(x, y);
    if (x instanceof Map && y instanceof Map) {
      if (x.size !== y.size) return false;
      for (const [k, v] of x) if (!y.has(k) || !eq(v, y.get(k))) return false;
      return true;
    }
    if (x instanceof Set && y instanceof Set) {
      if (x.size !== y.size) return false;
      for (const v of x) if (!y.has(v)) return false;
      return true;
    }
    if (ArrayBuffer.isView(x) && ArrayBuffer.isView(y)) {
      const xa = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
      const ya = new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
      return xa.length === ya.length && xa.every((v, i) => v === ya[i]);
    }
    const kx = Object.keys(x as object);
    const ky = Object.keys(y as object);
    if (kx.length !== ky.length) return false;
    for (const k of kx) {
      if (!Object.hasOwn(y as object, k)) return false;
      if (!eq((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k])) return false;
    }
    return true;
  };
  return eq(a, b);
}

/** Asserts `expr` is truthy. */
export function assert(expr: unknown, msg = ""): asserts expr {
  if (!expr) throw new AssertionError(msg || "Expected expression to be truthy");
}

/** Asserts `expr` is falsy. */
export function assertFalse(expr: unknown, msg = ""): void {
  if (expr) throw new AssertionError(msg || "Expected expression to be falsy");
}

/** Asserts deep equality. */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  if (equal(actual, expected)) return;
  throw new AssertionError(
    `${msg ? msg + ": " : ""}Values are not equal.\n  actual:   ${fmt(actual)}\n  expected: ${
      fmt(expected)
    }`,
  );
}

/** Asserts deep inequality. */
export function assertNotEquals<T>(actual: T, expected: T, msg?: string): void {
  if (!equal(actual, expected)) return;
  throw new AssertionError(msg ?? `Expected actual: ${fmt(actual)} not to be: ${fmt(expected)}`);
}

/** Asserts `Object.is` equality. */
export function assertStrictEquals<T>(actual: unknown, expected: T, msg?: string): void {
  if (Object.is(actual, expected)) return;
  throw new AssertionError(
    `${msg ? msg + ": " : ""}Values are not strictly equal: ${fmt(actual)} vs ${fmt(expected)}`,
  );
}

/** Asserts the value is neither null nor undefined. */
export function assertExists<T>(actual: T, msg?: string): asserts actual is NonNullable<T> {
  if (actual === undefined || actual === null) {
    throw new AssertionError(msg ?? `Expected actual: "${actual}" to not be null or undefined.`);
  }
}

/** Asserts `actual` matches `expected`. */
export function assertMatch(actual: string, expected: RegExp, msg?: string): void {
  if (!expected.test(actual)) {
    throw new AssertionError(msg ?? `Expected actual: "${actual}" to match: "${expected}".`);
  }
}

/** Asserts `actual` includes `expected`. */
export function assertStringIncludes(actual: string, expected: string, msg?: string): void {
  if (!actual.includes(expected)) {
    throw new AssertionError(msg ?? `Expected actual: "${actual}" to contain: "${expected}".`);
  }
}

/** Asserts `actual` includes every element of `expected` (deeply). */
export function assertArrayIncludes<T>(
  actual: ArrayLike<T>,
  expected: ArrayLike<T>,
  msg?: string,
): void {
  const list = Array.from(actual);
  const missing = Array.from(expected).filter((e) => !list.some((a) => equal(a, e)));
  if (missing.length) {
    throw new AssertionError(msg ?? `Expected ${fmt(list)} to include ${fmt(missing)}.`);
  }
}

/** Asserts `actual > expected`. */
export function assertGreater<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual > expected)) {
    throw new AssertionError(msg ?? `Expect ${fmt(actual)} > ${fmt(expected)}`);
  }
}

/** Asserts `actual >= expected`. */
export function assertGreaterOrEqual<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual >= expected)) {
    throw new AssertionError(msg ?? `Expect ${fmt(actual)} >= ${fmt(expected)}`);
  }
}

/** Asserts `actual < expected`. */
export function assertLess<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual < expected)) {
    throw new AssertionError(msg ?? `Expect ${fmt(actual)} < ${fmt(expected)}`);
  }
}

/** Asserts `actual <= expected`. */
export function assertLessOrEqual<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual <= expected)) {
    throw new AssertionError(msg ?? `Expect ${fmt(actual)} <= ${fmt(expected)}`);
  }
}

/** Asserts `|actual - expected| <= tolerance`. */
export function assertAlmostEquals(
  actual: number,
  expected: number,
  tolerance = 1e-7,
  msg?: string,
): void {
  if (Math.abs(actual - expected) <= tolerance) return;
  throw new AssertionError(msg ?? `Expected ${actual} to be close to ${expected}`);
}

/** Asserts `actual` is an instance of `expected`. */
// deno-lint-ignore no-explicit-any
export function assertInstanceOf<T extends abstract new (...args: any[]) => any>(
  actual: unknown,
  expected: T,
  msg?: string,
): asserts actual is InstanceType<T> {
  if (!(actual instanceof expected)) {
    throw new AssertionError(msg ?? `Expected object to be an instance of "${expected.name}"`);
  }
}

/** Fails the test. */
export function fail(msg?: string): never {
  throw new AssertionError(`Failed assertion${msg ? `: ${msg}` : "."}`);
}

function checkError(
  err: unknown,
  // deno-lint-ignore no-explicit-any
  ErrorClass?: abstract new (...args: any[]) => Error,
  msgIncludes?: string,
): void {
  if (ErrorClass && !(err instanceof ErrorClass)) {
    throw new AssertionError(`Expected error to be instance of "${ErrorClass.name}": ${fmt(err)}`);
  }
  if (msgIncludes !== undefined) {
    const m = err instanceof Error ? err.message : String(err);
    if (!m.includes(msgIncludes)) {
      throw new AssertionError(`Expected error message to include "${msgIncludes}", got "${m}"`);
    }
  }
}

/** Asserts `fn` throws (optionally an `ErrorClass` whose message includes `msgIncludes`). */
export function assertThrows(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any
  ErrorClass?: abstract new (...args: any[]) => Error,
  msgIncludes?: string,
  msg?: string,
): Error {
  try {
    fn();
  } catch (err) {
    checkError(err, ErrorClass, msgIncludes);
    return err as Error;
  }
  throw new AssertionError(msg ?? "Expected function to throw.");
}

/** Asserts `fn`'s promise rejects. */
export async function assertRejects(
  fn: () => PromiseLike<unknown>,
  // deno-lint-ignore no-explicit-any
  ErrorClass?: abstract new (...args: any[]) => Error,
  msgIncludes?: string,
  msg?: string,
): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    checkError(err, ErrorClass, msgIncludes);
    return err as Error;
  }
  throw new AssertionError(msg ?? "Expected function to reject.");
}
