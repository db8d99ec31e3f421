/**
 * The Node backend: binding/cloak.node, an N-API addon over the shared libcloak (csrc/cloak_node.c).
 * Loaded only under Node; absent (not built) means null, and the caller falls back to WebAssembly.
 */
import type { Backend, Slot } from './backend.js';
import { isNode } from './env.js';
import { CloakBadParamsError, Status } from './errors.js';

interface Addon {
  call(op: number, args: Slot[], nums: Float64Array): number;
  callAsync(op: number, args: Slot[], nums: Float64Array): Promise<number>;
}

export async function loadNative(path?: string): Promise<Backend | null> {
  if (!isNode()) return null;
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const where = path ?? new URL('../binding/cloak.node', import.meta.url).pathname;
  let addon: Addon;
  try {
    addon = require(where) as Addon;
  } catch (e) {
    if (path !== undefined) throw e;
    return null;
  }
  // The addon uses caller buffers in place. A pinned buffer gets an ArrayBuffer of its own: that
  // is allocated outside V8's heap (so it never moves) and not a slice of a shared pool (so the
  // address is malloc's, 8-byte aligned; the C side checks).
  const pinned = new WeakSet<Uint8Array>();
  return {
    name: 'native',
    call: (op, args, nums) => addon.call(op, args, nums),
    callAsync: (op, args, nums) => {
      // callAsync works on copies: a state there would be a copy, which the library refuses.
      if (args.some((a) => a instanceof Uint8Array && pinned.has(a))) {
        return Promise.reject(new CloakBadParamsError(Status.BAD_PARAMS, 'pinned buffers are for synchronous calls'));
      }
      return addon.callAsync(op, args, nums);
    },
    pin: (bytes) => {
      const own = new Uint8Array(new ArrayBuffer(Math.max(bytes.length, 8)), 0, bytes.length);
      own.set(bytes);
      pinned.add(own);
      return own;
    },
    unpin: (p) => {
      if (p instanceof Uint8Array) {
        new Uint8Array(p.buffer).fill(0);
        pinned.delete(p);
      }
    },
    close: () => {},
  };
}
