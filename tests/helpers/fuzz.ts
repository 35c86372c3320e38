/** Generators shared by the property tests (tests/reliability/fuzz.test.ts) and the browser worker check. */
import fc from 'fast-check';

/** Values that break validators: wrong types, edge numbers, huge strings, prototype keys. */
export const nasty = fc.oneof(
  fc.constantFrom(undefined, null, true, false, 0, -0, -1, 1, 1.5, 2 ** 32, Number.NaN, Infinity, -Infinity, 1e308, '', 'x'.repeat(100_000), '__proto__', 'constructor', [], {}, [1, 2], { rect: {} }),
  fc.integer({ min: -10, max: 20_000 }),
  fc.double(),
  fc.string({ maxLength: 20 }),
  fc.anything({ maxDepth: 2 }),
);

/** Malformed messages as a page could post them: junk, and comlink-shaped messages with wrong types, paths and arguments. */
export const malformedMessage = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.record(
    {
      id: fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), nasty),
      type: fc.oneof(fc.constantFrom('GET', 'SET', 'APPLY', 'CONSTRUCT', 'ENDPOINT', 'RELEASE'), nasty),
      // Methods that start work (generate, level, init, ...) are left out: with well-formed
      // arguments those are real calls, and hundreds of them would only queue generations.
      path: fc.oneof(fc.array(fc.constantFrom('validate', 'validateLevel', 'cancel', 'models', 'constructor', '__proto__', 'toString', 'then', 'prototype'), { maxLength: 3 }), nasty),
      argumentList: fc.oneof(
        fc.array(fc.oneof(fc.record({ type: fc.constantFrom('RAW', 'HANDLER', 'PROXY', 'X'), name: fc.constantFrom('proxy', 'throw', 'nope'), value: nasty }), nasty), { maxLength: 4 }),
        nasty,
      ),
      value: nasty,
    },
    { requiredKeys: [] },
  ).filter((m) => !(m.type === 'RELEASE' && Array.isArray(m.path) && m.path.length === 0)), // the client's own goodbye (terminate): detaches the API, as comlink defines
);

