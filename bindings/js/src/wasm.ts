/**
 * The WebAssembly backend: dist/cloak-wasm.mjs + .wasm (libcloak, libsodium and Argon2 compiled
 * with emscripten), the same module in browsers, workers and Node >= 20. Under Node the module is
 * given the .wasm bytes, since emscripten's web loader would fetch() a file path.
 *
 * Each call copies the buffer slots into the module's memory, calls cloak_js_call(), copies them
 * back, and wipes and frees the copies. States are the exception: each is allocated once in the
 * module's memory (malloc: 8-byte aligned) and passed by that address at every call, since a state
 * records its own address and refuses to run anywhere else; wipe() or, for a state an
 * application dropped, the finalizer wipes and frees it. callAsync() runs the call in a worker holding its own
 * instance (src/wasm-worker.ts), so Argon2id does not block the page.
 */
import { MAXARGS, type Backend, type Pinned, type Slot } from './backend.js';
import { isNode } from './env.js';
import { CloakNoMemError, CloakBadParamsError } from './errors.js';
import { OUT, INOUT } from './ops.js';

interface EmModule {
  HEAPU8: Uint8Array;
  _malloc(n: number): number;
  _free(p: number): void;
  _cloak_js_call(op: number, ptrs: number, lens: number, nargs: number): number;
}


export interface WasmOptions {
  /** URL of cloak-wasm.mjs (default: next to this file). */
  moduleUrl?: string | URL;
  /** Run callAsync() in a worker (default true); false runs it on the calling thread. */
  worker?: boolean;
}

export async function instantiate(moduleUrl?: string | URL): Promise<EmModule> {
  const url = new URL(moduleUrl ?? './cloak-wasm.mjs', import.meta.url);
  const factory = (await import(/* @vite-ignore */ url.href)).default as (o: object) => Promise<EmModule>;
  const wasmUrl = new URL('cloak-wasm.wasm', url);
  if (isNode()) {
    const { readFile } = await import('node:fs/promises');
    return factory({ wasmBinary: await readFile(wasmUrl) });
  }
  return factory({ locateFile: (p: string) => new URL(p, url).href });
}

/**
 * Scratch memory of an instance: one block holding the slot table and every buffer of a call,
 * grown when a call needs more, and zeroed over what each call used before the call returns.
 * Views onto it are remade only when the memory grows.
 */
interface Arena { ptr: number; cap: number; buffer: ArrayBufferLike; u8: Uint8Array; u32: Uint32Array }
const arenas = new WeakMap<EmModule, Arena>();

function views(m: EmModule, a: Arena): Arena {
  const heap = m.HEAPU8;
  if (heap.buffer !== a.buffer) {
    a.buffer = heap.buffer;
    a.u8 = heap;
    a.u32 = new Uint32Array(heap.buffer, a.ptr, 2 * MAXARGS);
  }
  return a;
}

function arena(m: EmModule, need: number): Arena {
  const a = arenas.get(m);
  if (a && a.cap >= need) return views(m, a);
  const cap = Math.max(need, 64 * 1024, a ? 2 * a.cap : 0);
  const ptr = m._malloc(cap);
  if (ptr === 0) throw new CloakNoMemError(-14, 'WebAssembly memory exhausted');
  if (a) m._free(a.ptr); // zeroed after its last call
  m.HEAPU8.fill(0, ptr, ptr + cap);
  const fresh = { ptr, cap, buffer: new ArrayBuffer(0), u8: m.HEAPU8, u32: new Uint32Array(0) };
  arenas.set(m, fresh);
  return views(m, fresh);
}

const TABLE = 8 * MAXARGS;

/** A buffer kept in an instance's memory (Backend.pin). */
class WasmPinned implements Pinned {
  readonly pinned = true as const;
  constructor(public ptr: number, readonly length: number) {}
}

function pin(m: EmModule, registry: FinalizationRegistry<[number, number]>, bytes: Uint8Array): WasmPinned {
  const ptr = m._malloc(Math.max(bytes.length, 1));
  if (ptr === 0) throw new CloakNoMemError(-14, 'WebAssembly memory exhausted');
  m.HEAPU8.set(bytes, ptr);
  const p = new WasmPinned(ptr, bytes.length);
  registry.register(p, [ptr, Math.max(bytes.length, 1)], p);
  return p;
}

function unpin(m: EmModule, registry: FinalizationRegistry<[number, number]>, p: Pinned | Uint8Array): void {
  if (p instanceof WasmPinned && p.ptr !== 0) {
    registry.unregister(p);
    m.HEAPU8.fill(0, p.ptr, p.ptr + Math.max(p.length, 1));
    m._free(p.ptr);
    p.ptr = 0;
  }
}

/** Runs one call on an instance; shared by the main thread and the worker. */
export function wasmCall(m: EmModule, op: number, args: Slot[], nums: Float64Array): number {
  const nargs = args.length;
  if (nargs > MAXARGS) throw new CloakBadParamsError(-10, 'too many arguments');
  const outOnly = OUT[op] ?? 0;
  const back = outOnly | (INOUT[op] ?? 0);
  let need = TABLE;
  for (let i = 0; i < nargs; i++) {
    const a = args[i];
    if (a instanceof Uint8Array) need += (a.length + 8) & ~7;
  }
  const ar = arena(m, need);
  const base = ar.ptr;
  let heap = ar.u8;
  let t32 = ar.u32;
  let p = base + TABLE;
  for (let i = 0; i < nargs; i++) {
    const a = args[i];
    if (a instanceof Uint8Array) {
      // Every buffer gets its own non-NULL address, even an empty one: libcloak tells NULL
      // (absent) from empty.
      if ((outOnly & (1 << i)) === 0) heap.set(a, p);
      t32[i] = p;
      t32[MAXARGS + i] = a.length;
      p += (a.length + 8) & ~7;
    } else if (a instanceof WasmPinned) {
      if (a.ptr === 0) throw new CloakBadParamsError(-10, 'a released buffer');
      t32[i] = a.ptr;
      t32[MAXARGS + i] = a.length;
    } else if (typeof a === 'number') {
      if (!Number.isInteger(a) || a < 0) throw new CloakBadParamsError(-10, 'a number argument must be a non-negative integer');
      t32[i] = 0;
      t32[MAXARGS + i] = a > 0xffffffff ? 0xffffffff : a; // size_t is 32 bits here: saturate, the library then refuses
    } else {
      t32[i] = 0;
      t32[MAXARGS + i] = 0;
    }
  }
  try {
    const rc = m._cloak_js_call(op, base, base + 4 * MAXARGS, nargs);
    views(m, ar); // memory may have grown during the call
    heap = ar.u8;
    t32 = ar.u32;
    for (let i = 0; i < MAXARGS; i++) nums[i] = i < nargs ? t32[MAXARGS + i] : 0;
    if (back !== 0) {
      for (let i = 0; i < nargs; i++) {
        const a = args[i];
        if ((back & (1 << i)) !== 0 && a instanceof Uint8Array && a.length > 0) {
          const q = t32[i];
          a.set(heap.subarray(q, q + a.length));
        }
      }
    }
    return rc;
  } finally {
    views(m, ar).u8.fill(0, base, p);
  }
}

interface Pending {
  resolve(rc: number): void;
  reject(e: unknown): void;
  args: Slot[];
  nums: Float64Array;
}

/** A worker holding its own instance; replies carry the slots back, transferred. */
class WorkerHost {
  private worker: { postMessage(m: unknown, t?: Transferable[]): void; terminate(): unknown; ref?(): void; unref?(): void } | null = null;
  private starting: Promise<void> | null = null;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  constructor(private moduleUrl: URL) {}

  private async start(): Promise<void> {
    const workerUrl = new URL('./wasm-worker.js', import.meta.url);
    const init = { moduleUrl: this.moduleUrl.href };
    const onMessage = (msg: { id: number; rc?: number; error?: string; args?: Slot[]; nums?: number[] }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) this.worker?.unref?.();
      if (msg.error !== undefined) {
        p.reject(new Error(msg.error));
        return;
      }
      for (let i = 0; i < p.args.length; i++) {
        const a = p.args[i];
        const b = msg.args![i];
        if (a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length) {
          a.set(b);
          b.fill(0);
        }
      }
      for (let i = 0; i < MAXARGS; i++) p.nums[i] = msg.nums![i] ?? 0;
      p.resolve(msg.rc!);
    };
    if (isNode()) {
      const { Worker } = await import('node:worker_threads');
      const w = new Worker(workerUrl, { workerData: init });
      w.on('message', onMessage);
      w.on('error', (e: unknown) => this.failAll(e));
      w.unref();
      this.worker = w as unknown as WorkerHost['worker'];
    } else {
      const w = new Worker(workerUrl, { type: 'module' });
      w.onmessage = (ev: MessageEvent) => onMessage(ev.data);
      w.onerror = (ev: ErrorEvent) => this.failAll(new Error(ev.message));
      w.postMessage({ init });
      this.worker = w;
    }
  }

  private failAll(e: unknown): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  async call(op: number, args: Slot[], nums: Float64Array): Promise<number> {
    if (!this.worker) {
      this.starting ??= this.start();
      await this.starting;
    }
    const id = this.nextId++;
    // Copies travel to the worker (transferred, so none stays behind here).
    if (args.some((a) => a instanceof WasmPinned)) throw new CloakBadParamsError(-10, 'pinned buffers are for synchronous calls');
    const copies: Slot[] = args.map((a) => (a instanceof Uint8Array ? a.slice() : a));
    const transfer = copies.filter((a) => a instanceof Uint8Array).map((a) => (a as Uint8Array).buffer as ArrayBuffer);
    return new Promise<number>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, args, nums });
      this.worker!.ref?.();
      this.worker!.postMessage({ id, op, args: copies }, transfer);
    });
  }

  close(): void {
    this.worker?.terminate();
    this.worker = null;
    this.starting = null;
    this.failAll(new Error('libcloak: backend closed'));
  }
}

export async function loadWasm(options: WasmOptions = {}): Promise<Backend> {
  const moduleUrl = new URL(options.moduleUrl ?? './cloak-wasm.mjs', import.meta.url);
  const m = await instantiate(moduleUrl);
  const host = options.worker === false ? null : new WorkerHost(moduleUrl);
  // Pinned copies an application dropped without unpinning are wiped and freed when collected.
  const registry = new FinalizationRegistry<[number, number]>(([ptr, len]) => {
    m.HEAPU8.fill(0, ptr, ptr + len);
    m._free(ptr);
  });
  return {
    name: 'wasm',
    pin: (bytes) => pin(m, registry, bytes),
    unpin: (p) => unpin(m, registry, p),
    call: (op, args, nums) => wasmCall(m, op, args, nums),
    callAsync: (op, args, nums) =>
      host ? host.call(op, args, nums) : Promise.resolve().then(() => wasmCall(m, op, args, nums)),
    close: () => host?.close(),
  };
}
