/**
 * fast-check generators of hostile input: strings with the characters that break parsers, SQL
 * and renderers, and JSON values with prototype keys, wrong types, deep nesting and huge sizes.
 */
import fc from 'fast-check';

/** Pieces that have broken someone's software before. */
export const SPECIALS = [
  '\uD800', // lone high surrogate
  '\uDFFF', // lone low surrogate
  '\u200F', // right-to-left mark
  '\u202E', // right-to-left override
  '\u200B', // zero-width space
  '\u200D', // zero-width joiner
  '\uFEFF', // byte-order mark
  '\u0000',
  '😀', // 4-byte emoji
  '👩‍👩‍👧‍👦',
  '𝕏',
  "'",
  '"',
  '`',
  ';',
  '--',
  '/*',
  '*/',
  '%',
  '_',
  '\\',
  "' OR '1'='1",
  "'); DROP TABLE messages; --",
  '" UNION SELECT * FROM users --',
  '%00',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '${7*7}',
  '__proto__',
  'constructor',
  '\r\n',
  ' ',
];

export const nastyString: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom(...SPECIALS),
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''));

const KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** Any JSON-ish value, biased towards nasty strings, odd numbers and prototype keys. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nastyString,
    fc.constantFrom(
      NaN,
      Infinity,
      -Infinity,
      -0,
      2 ** 53,
      -1,
      1e308,
      0.5,
      null,
      true,
      false,
      '',
      '0',
      '-1',
      '1e9',
      'NaN',
    ),
    fc.integer(),
    fc.double(),
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...KEYS), nastyString), tie('value')), {
      maxLength: 4,
    })
    .map((entries) => {
      const out: Record<string, unknown> = {};
      // defineProperty, so that `__proto__` becomes an own key as JSON.parse would make it.
      for (const [k, v] of entries)
        Object.defineProperty(out, k, {
          value: v,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return out;
    }),
})).value;

/** `depth` nested arrays around `inner`, as JSON text (built iteratively: no recursion). */
export function deepJson(depth: number, inner = '1'): string {
  return `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
}

/** A deeply nested object, as JSON text. */
export function deepObjectJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}
