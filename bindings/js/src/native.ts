/**
 * The Node backend: binding/cloak.node, an N-API addon over the shared libcloak (csrc/cloak_node.c).
 * Loaded only under Node; absent (not built) means null, and the caller falls back to WebAssembly.
 */
import type { Backend, Slot } from './backend.js';
import { isNode } from './env.js';

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
  return {
    name: 'native',
    call: (op, args, nums) => addon.call(op, args, nums),
    callAsync: (op, args, nums) => addon.callAsync(op, args, nums),
    // The addon uses caller buffers in place: nothing to copy.
    pin: (bytes) => bytes,
    unpin: (p) => {
      if (p instanceof Uint8Array) p.fill(0);
    },
    close: () => {},
  };
}
