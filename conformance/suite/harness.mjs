// The suite's tiny runner: Web-standard only, the same file on every runtime. A case is
// `{ name, run(t) }`; `run` throws to fail. Each case gets a fresh context `t` (its sandboxes are
// closed when it ends) and a deadline, so a hung case fails instead of hanging the run.

class AssertionError extends Error {
  name = 'AssertionError';
}

function show(value) {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function ok(value, what = 'expected a truthy value') {
  if (!value) throw new AssertionError(what);
}

export function equal(actual, expected, what = 'values differ') {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(`${what}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

/** Awaits `promise`, which must reject; returns the error, checked by `check` when given. */
export async function rejects(promise, check) {
  let error;
  try {
    await promise;
  } catch (caught) {
    error = caught;
  }
  if (error === undefined) throw new AssertionError('expected a rejection, got a value');
  if (check) check(error);
  return error;
}

/** Asserts a typed error: its `code`, and the guard that must recognise it. */
export function isTyped(error, code, guard) {
  const got = error && typeof error === 'object' ? `${error.name} ${error.code}` : String(error);
  equal(error?.code, code, `error code (${got}: ${error?.message})`);
  if (guard) ok(guard(error), `${guard.name} recognises ${got}`);
}

/** Polls `condition` every 20 ms for at most `ms`. */
export async function eventually(condition, ms = 3_000, what = 'condition') {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new AssertionError(`${what} not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Runs `cases` one after another; calls `report({ name, ok, known, error, ms })` after each and
 * resolves with `{ passed, failed, known }`. `makeContext()` gives each case its context, whose
 * `close()` runs after the case whatever happened.
 *
 * A case may name a known failure per runtime, `knownFailure: { bun: 'why' }`: failing there is
 * counted apart (`known`), not as a pass; passing there fails the case, so the note is removed
 * once the cause is fixed.
 */
export async function runCases(cases, { makeContext, report, timeoutMs = 20_000, filter, runtime }) {
  let passed = 0;
  let failed = 0;
  let known = 0;
  for (const testCase of cases) {
    if (filter && !filter(testCase.name)) continue;
    const started = Date.now();
    const t = makeContext ? await makeContext() : {};
    let timer;
    let error;
    try {
      await Promise.race([
        testCase.run(t),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new AssertionError(`timed out after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (caught) {
      error = caught;
    } finally {
      clearTimeout(timer);
      try {
        await t.close?.();
      } catch {
        // a sandbox that will not close is the host's problem; it closes them all on exit
      }
    }
    const expectedToFail = testCase.knownFailure?.[runtime];
    const ms = Date.now() - started;
    if (expectedToFail && error !== undefined) {
      known += 1;
      report({ name: testCase.name, ok: false, known: expectedToFail, error, ms });
    } else if (expectedToFail) {
      failed += 1;
      const stale = new AssertionError(`passes now on ${runtime}: remove its knownFailure note (${expectedToFail})`);
      report({ name: testCase.name, ok: false, error: stale, ms });
    } else {
      if (error === undefined) passed += 1;
      else failed += 1;
      report({ name: testCase.name, ok: error === undefined, error, ms });
    }
  }
  return { passed, failed, known };
}
