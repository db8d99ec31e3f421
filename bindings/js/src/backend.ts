/**
 * What a backend provides: the dispatch table of csrc/cloak_js.h, synchronously and on another
 * thread. Arguments are slots (see csrc/cloak_js.h): a Uint8Array (used in place: outputs are
 * written into it), a number passed in, or null (an absent buffer). `nums` (8 doubles) receives
 * every slot's number after the call, which carries the numbers passed out. Both return the status.
 */
export type Slot = Uint8Array | number | null;

export interface Backend {
  readonly name: 'native' | 'wasm';
  call(op: number, args: Slot[], nums: Float64Array): number;
  callAsync(op: number, args: Slot[], nums: Float64Array): Promise<number>;
  /** Releases what the backend holds (a worker thread). */
  close(): void;
}
