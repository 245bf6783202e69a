import { Array as Arr } from "effect"

/** 32-bit FNV-1a hash of a string's code points (unsigned): stable across runs and processes. */
export const fnv1a = (s: string): number =>
  Arr.reduce(Arr.fromIterable(s), 0x811c9dc5, (h, ch) => Math.imul(h ^ (ch.codePointAt(0) ?? 0), 0x01000193)) >>> 0
