/**
 * What a backend provides: the dispatch table of csrc/cloak_js.h, synchronously and on another
 * thread. Arguments are slots (see csrc/cloak_js.h): a Uint8Array (used in place: outputs are
 * written into it), a number passed in, or null (an absent buffer). `nums` (8 doubles) receives
 * every slot's number after the call, which carries the numbers passed out. Both return the status.
 */
export type Slot = Uint8Array | number | null | Pinned;

/**
 * A buffer a backend keeps for repeated calls without copying it each time (a verified batch,
 * read by every item it lists). Synchronous calls only. Released (and wiped) by unpin().
 */
export interface Pinned {
  readonly pinned: true;
  readonly length: number;
}

export interface Backend {
  readonly name: 'native' | 'wasm';
  call(op: number, args: Slot[], nums: Float64Array): number;
  callAsync(op: number, args: Slot[], nums: Float64Array): Promise<number>;
  /** Keeps a copy of `bytes` for use as a slot (the bytes themselves where calls use them in place). */
  pin(bytes: Uint8Array): Pinned | Uint8Array;
  /** Wipes and releases a pinned copy. */
  unpin(p: Pinned | Uint8Array): void;
  /** Releases what the backend holds (a worker thread). */
  close(): void;
}
