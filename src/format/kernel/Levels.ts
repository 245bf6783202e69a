/**
 * Kernel: definition/repetition levels → slots and list offsets. Loops and writes into the typed
 * arrays it creates, because these run once per level entry (millions per file) on the general
 * read path; each takes its inputs read-only and returns fresh arrays, so callers see pure functions.
 * Checked against plain versions in test/format/kernel/Levels.test.ts.
 */

/**
 * Slot → index into the page's non-null values, or -1 for a null slot: every entry with a
 * definition level ≥ `slotDef` is a slot, one at `maxDef` carries a value. `slots` long.
 */
export const slotIndex = (def: ArrayLike<number>, slotDef: number, maxDef: number, slots: number): Int32Array => {
  const index = new Int32Array(slots)
  let slot = 0
  let value = 0
  for (let i = 0; i < def.length; i++) {
    const d = def[i] as number
    if (d >= slotDef) {
      index[slot] = d === maxDef ? value : -1
      slot++
      if (d === maxDef) value++
    }
  }
  return index
}

/** The levels of one page of a list leaf; `def` empty when every entry is a slot. */
export interface PageLevels {
  readonly rep: ArrayLike<number>
  readonly def: ArrayLike<number>
}

/**
 * List offsets (length rows+1) from the levels of one leaf's pages: a row starts at each repetition
 * level 0. `rowsSeen` is how many rows the levels hold (the caller checks it against the footer).
 */
export const listOffsets = (
  pages: ReadonlyArray<PageLevels>,
  slotDef: number,
  rows: number
): { readonly offsets: Int32Array; readonly rowsSeen: number } => {
  const offsets = new Int32Array(rows + 1)
  let started = 0
  let slots = 0
  for (let p = 0; p < pages.length; p++) {
    const { def, rep } = pages[p] as PageLevels
    const allSlots = def.length === 0
    for (let i = 0; i < rep.length; i++) {
      if (rep[i] === 0) {
        offsets[started] = slots
        started++
      }
      if (allSlots || (def[i] as number) >= slotDef) slots++
    }
  }
  offsets.fill(slots, Math.min(started, rows))
  return { offsets, rowsSeen: started }
}

/** Offsets (length n+1) from per-row list lengths: the running sums, from 0. */
export const prefixSums = (counts: ArrayLike<number>): Int32Array => {
  const offsets = new Int32Array(counts.length + 1)
  let at = 0
  for (let i = 0; i < counts.length; i++) {
    at += counts[i] as number
    offsets[i + 1] = at
  }
  return offsets
}
