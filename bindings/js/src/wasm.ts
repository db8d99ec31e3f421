/**
 * The WebAssembly backend's core, shared by Node (wasm-node.ts) and browsers (wasm-browser.ts): the
 * emscripten module (dist/cloak-wasm.mjs over dist/cloak-wasm.wasm: libcloak, libsodium and Argon2)
 * instantiated over a compiled WebAssembly.Module, the calls, and the worker protocol. No node:*
 * imports here: browsers and bundlers load this file.
 *
 * Each call copies the buffer slots into the module's memory, calls cloak_js_call(), copies them
 * back, and wipes and frees the copies. States are the exception: each is allocated once in the
 * module's memory (malloc: 8-byte aligned) and passed by that address at every call, since a state
 * records its own address and refuses to run anywhere else; wipe() or, for a state an
 * application dropped, the finalizer wipes and frees it. callAsync() runs the call in a worker
 * holding its own instance of the same compiled module (wasm-worker-*.ts), so Argon2id does not
 * block the page or the event loop.
 */
import { MAXARGS, type Backend, type Pinned, type Slot } from './backend.js';
import { CloakNoMemError, CloakBadParamsError } from './errors.js';
import { OUT, INOUT } from './ops.js';

export interface EmModule {
  HEAPU8: Uint8Array;
  _malloc(n: number): number;
  _free(p: number): void;
  _cloak_js_call(op: number, ptrs: number, lens: number, nargs: number): number;
}

/** The default export of dist/cloak-wasm.mjs. */
export type EmFactory = (o: object) => Promise<EmModule>;

export interface WasmOptions {
  /**
   * The compiled module, the .wasm bytes, or where to load them from (a URL in a browser; a path
   * or file: URL under Node). Default: cloak-wasm.wasm next to the entry, as
   * `new URL('./cloak-wasm.wasm', import.meta.url)`, which bundlers follow.
   */
  wasmModule?: WebAssembly.Module;
  wasmBytes?: BufferSource;
  wasmUrl?: string | URL;
  /**
   * Where the worker of callAsync() is (default: next to the entry, `cloak-worker.js` in a browser,
   * `wasm-worker-node.js` under Node, both as `new URL(..., import.meta.url)` literals).
   */
  workerUrl?: string | URL;
  /** Run callAsync() in a worker (default true); false runs it on the calling thread. */
  worker?: boolean;
}

/**
 * An instance of the emscripten module over a compiled WebAssembly.Module: the module is compiled
 * once and instantiated here and in the worker (it travels to the worker in a message).
 */
export function instantiate(factory: EmFactory, module: WebAssembly.Module): Promise<EmModule> {
  return new Promise<EmModule>((resolve, reject) => {
    factory({
      instantiateWasm(imports: WebAssembly.Imports, done: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) {
        WebAssembly.instantiate(module, imports).then((instance) => done(instance, module), reject);
        return {};
      },
    }).then(resolve, reject);
  });
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

/** A worker as the host sees it, in Node (worker_threads) or a browser (Worker). */
export interface WorkerPort {
  post(msg: unknown, transfer?: Transferable[]): void;
  terminate(): void;
  ref?(): void;
  unref?(): void;
}

/**
 * Starts a worker: `onMessage` gets its replies, `onError` any failure (an uncaught error, a
 * script that did not load, an exit), as the error itself where the platform gives one.
 */
export type SpawnWorker = (onMessage: (msg: Reply) => void, onError: (e: unknown) => void) => WorkerPort | Promise<WorkerPort>;

type Reply = { id?: number; rc?: number; error?: unknown; initError?: unknown; args?: Slot[]; nums?: number[] };
type Request = { init: { module: WebAssembly.Module } } | { id: number; op: number; args: Slot[] };

interface Pending {
  resolve(rc: number): void;
  reject(e: unknown): void;
  args: Slot[];
  nums: Float64Array;
}

/** An error as it came from a worker: an Error is kept (structured clone keeps it), anything else wrapped. */
function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(`libcloak worker: ${String(e)}`);
}

/** A worker holding its own instance; replies carry the slots back, transferred. */
export class WorkerHost {
  private worker: WorkerPort | null = null;
  private starting: Promise<WorkerPort> | null = null;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  /** Which worker is current: events of one that failed or was closed are ignored. */
  private generation = 0;
  private lastError: unknown = null;
  constructor(private module: WebAssembly.Module, private spawn: SpawnWorker) {}

  private onMessage(msg: Reply, generation: number): void {
    if (generation !== this.generation) return;
    if (msg.initError !== undefined) {
      // The worker could not instantiate the module: every call waiting on it fails with that.
      this.fail(asError(msg.initError));
      return;
    }
    const p = this.pending.get(msg.id!);
    if (!p) return;
    this.pending.delete(msg.id!);
    if (this.pending.size === 0) this.worker?.unref?.();
    if (msg.error !== undefined) {
      p.reject(asError(msg.error));
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
  }

  /** The worker failed: the calls in flight reject with its error, and the next call starts a new one. */
  private fail(e: unknown): void {
    const w = this.worker;
    this.generation++;
    this.lastError = e;
    this.worker = null;
    this.starting = null;
    try {
      w?.terminate();
    } catch {
      // already gone
    }
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private async start(): Promise<WorkerPort> {
    const generation = this.generation;
    const w = await this.spawn((m) => this.onMessage(m, generation), (e) => {
      if (generation === this.generation) this.fail(asError(e));
    });
    w.post({ init: { module: this.module } } satisfies Request);
    w.unref?.();
    this.worker = w;
    return w;
  }

  async call(op: number, args: Slot[], nums: Float64Array): Promise<number> {
    if (args.some((a) => a instanceof WasmPinned)) throw new CloakBadParamsError(-10, 'pinned buffers are for synchronous calls');
    const starting = (this.starting ??= this.start().catch((e: unknown) => {
      this.starting = null; // a worker that could not be made: the next call tries again
      throw e;
    }));
    const worker = await starting;
    // It may have failed between starting and now: then its error, rather than a call never answered.
    if (worker !== this.worker) throw asError(this.lastError ?? 'the WebAssembly worker stopped');
    const id = this.nextId++;
    // Copies travel to the worker (transferred, so none stays behind here).
    const copies: Slot[] = args.map((a) => (a instanceof Uint8Array ? a.slice() : a));
    const transfer = copies.filter((a) => a instanceof Uint8Array).map((a) => (a as Uint8Array).buffer as ArrayBuffer);
    return new Promise<number>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, args, nums });
      worker.ref?.();
      worker.post({ id, op, args: copies } satisfies Request, transfer);
    });
  }

  close(): void {
    this.fail(new Error('libcloak: backend closed'));
  }
}

type Post = (m: unknown, transfer: Transferable[]) => void;

/**
 * The worker's side: instantiates the module it is sent, then runs one call per message. Errors
 * go back as themselves (structured clone keeps an Error's name, message and stack).
 */
export function serveWorker(factory: EmFactory, post: Post): (msg: Request) => void {
  let ready: Promise<EmModule> | null = null;
  const postError = (m: { id?: number; error?: unknown; initError?: unknown }) => {
    try {
      post(m, []);
    } catch {
      // not cloneable: its text then
      const e = m.error ?? m.initError;
      const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      post(m.id !== undefined ? { id: m.id, error: text } : { initError: text }, []);
    }
  };
  return (msg) => {
    if ('init' in msg) {
      ready = instantiate(factory, msg.init.module);
      ready.catch((e: unknown) => postError({ initError: e }));
      return;
    }
    const { id, op, args } = msg;
    (ready ?? Promise.reject(new Error('libcloak worker: a call before the module')))
      .then((m) => {
        const nums = new Float64Array(MAXARGS);
        const rc = wasmCall(m, op, args, nums);
        const transfer = args.filter((a): a is Uint8Array => a instanceof Uint8Array).map((a) => a.buffer as ArrayBuffer);
        post({ id, rc, args, nums: Array.from(nums) }, transfer);
      })
      .catch((e: unknown) => {
        for (const a of args) if (a instanceof Uint8Array) a.fill(0);
        postError({ id, error: e });
      });
  };
}

/** The backend over an instance and, for callAsync(), a worker host (null: on this thread). */
export function wasmBackend(m: EmModule, host: WorkerHost | null, detail: string): Backend {
  // Pinned copies an application dropped without unpinning are wiped and freed when collected.
  const registry = new FinalizationRegistry<[number, number]>(([ptr, len]) => {
    m.HEAPU8.fill(0, ptr, ptr + len);
    m._free(ptr);
  });
  return {
    name: 'wasm',
    detail,
    pin: (bytes) => pin(m, registry, bytes),
    unpin: (p) => unpin(m, registry, p),
    call: (op, args, nums) => wasmCall(m, op, args, nums),
    callAsync: (op, args, nums) =>
      host ? host.call(op, args, nums) : Promise.resolve().then(() => wasmCall(m, op, args, nums)),
    close: () => host?.close(),
  };
}
