// JSON.stringify's text of an object, made in pieces: each list inside it one element at a time,
// so a document with 100k+ bans (scan --json on a first scan) is written without being held
// whole; byte for byte what JSON.stringify writes.

const LAZY = Symbol('lazy list');

type LazyList = { readonly [LAZY]: () => Iterable<unknown>; readonly toJSON: () => unknown[] };

// A list whose elements are made while it is written (by jsonParts, or JSON.stringify as an array).
export function lazyList<T>(make: () => Iterable<T>): LazyList {
  return { [LAZY]: make, toJSON: () => [...make()] };
}

const isLazy = (v: unknown): v is LazyList => typeof v === 'object' && v !== null && LAZY in v;
const isList = (v: unknown): boolean => Array.isArray(v) || isLazy(v);
const itemsOf = (v: unknown): Iterable<unknown> => (isLazy(v) ? v[LAZY]() : (v as unknown[]));

// A value JSON.stringify leaves out of an object (and writes as null in a list).
const isSkipped = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

// JSON.stringify of one value, its lines moved right by `prefix` (strings in JSON hold no raw newline).
function valueText(v: unknown, gap: string, prefix: string): string {
  const text = JSON.stringify(v, null, gap) ?? 'null';
  return gap === '' || prefix === '' ? text : text.replaceAll('\n', `\n${prefix}`);
}

function* listParts(list: Iterable<unknown>, gap: string, prefix: string): Generator<string> {
  const inner = prefix + gap;
  let first = true;
  for (const el of list) {
    const text = valueText(isSkipped(el) ? null : el, gap, inner);
    yield `${first ? '[' : ','}${gap === '' ? '' : `\n${inner}`}${text}`;
    first = false;
  }
  yield first ? '[]' : `${gap === '' ? '' : `\n${prefix}`}]`;
}

// Pieces whose concatenation is JSON.stringify(value, null, indent), with the lists of a plain
// top-level object written an element at a time.
export function* jsonParts(value: unknown, indent?: number): Generator<string> {
  const gap = ' '.repeat(Math.min(10, Math.max(0, Math.floor(indent ?? 0))));
  if (isLazy(value)) {
    yield* listParts(itemsOf(value), gap, '');
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    yield JSON.stringify(value, null, gap) ?? 'null';
    return;
  }
  let first = true;
  for (const [key, v] of Object.entries(value)) {
    if (isSkipped(v)) continue;
    yield `${first ? '{' : ','}${gap === '' ? '' : `\n${gap}`}${JSON.stringify(key)}:${gap === '' ? '' : ' '}`;
    if (isList(v)) yield* listParts(itemsOf(v), gap, gap);
    else yield valueText(v, gap, gap);
    first = false;
  }
  yield first ? '{}' : `${gap === '' ? '' : '\n'}}`;
}
