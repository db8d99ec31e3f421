/**
 * What a backend provides: the dispatch table of csrc/cloak_js.h, synchronously and on another
 * thread. Arguments are slots (see csrc/cloak_js.h): a Uint8Array (used in place: outputs are
 * written into it), a number passed in, or null (an absent buffer). `nums` (MAXARGS doubles)
 * receives every slot's number after the call, which carries the numbers passed out. Both return
 * the status.
 */
export type Slot = Uint8Array | number | null | Pinned;

/** CLOAK_JS_MAXARGS of csrc/cloak_js.h: the most slots a call has, and the length of `nums`. */
export const MAXARGS = 16;

/**
 * A buffer a backend keeps at one fixed, 8-byte aligned address for repeated calls: a
 * caller-owned state (which records its own address, so it must never be copied or moved) or a
 * batch reader's tags. Synchronous calls only. Released (and wiped) by unpin().
 */
export interface Pinned {
  readonly pinned: true;
  readonly length: number;
}

export interface Backend {
  readonly name: 'native' | 'wasm';
  /** What was loaded and why: the addon's path, or how the WebAssembly backend came to be chosen. */
  readonly detail: string;
  call(op: number, args: Slot[], nums: Float64Array): number;
  callAsync(op: number, args: Slot[], nums: Float64Array): Promise<number>;
  /** Keeps a copy of `bytes` at a fixed address, for use as a slot of synchronous calls. */
  pin(bytes: Uint8Array): Pinned | Uint8Array;
  /** Wipes and releases a pinned copy. */
  unpin(p: Pinned | Uint8Array): void;
  /** Releases what the backend holds (a worker thread). */
  close(): void;
}
