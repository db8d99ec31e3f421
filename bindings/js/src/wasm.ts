/**
 * The WebAssembly backend: dist/cloak-wasm.mjs + .wasm (libcloak, libsodium and Argon2 compiled
 * with emscripten), the same module in browsers, workers and Node >= 20. Under Node the module is
 * given the .wasm bytes, since emscripten's web loader would fetch() a file path.
 *
 * Each call copies the buffer slots into the module's memory, calls cloak_js_call(), copies them
 * back, and wipes and frees the copies. callAsync() runs the call in a worker holding its own
 * instance (src/wasm-worker.ts), so Argon2id does not block the page.
 */
import type { Backend, Slot } from './backend.js';
import { isNode } from './env.js';
import { CloakNoMemError, CloakBadParamsError } from './errors.js';

interface EmModule {
  HEAPU8: Uint8Array;
  _malloc(n: number): number;
  _free(p: number): void;
  _cloak_js_call(op: number, ptrs: number, lens: number, nargs: number): number;
  _cloak_js_wipe(p: number, n: number): void;
}

const MAXARGS = 8;

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

/** Runs one call on an instance; shared by the main thread and the worker. */
export function wasmCall(m: EmModule, op: number, args: Slot[], nums: Float64Array): number {
  if (args.length > MAXARGS) throw new CloakBadParamsError(-10, 'too many arguments');
  const table = m._malloc(8 * MAXARGS);
  if (table === 0) throw new CloakNoMemError(-14, 'WebAssembly memory exhausted');
  const ptrs: number[] = [];
  try {
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      let p = 0;
      let n = 0;
      if (a instanceof Uint8Array) {
        p = m._malloc(a.length === 0 ? 1 : a.length);
        if (p === 0) throw new CloakNoMemError(-14, 'WebAssembly memory exhausted');
        ptrs[i] = p;
        m.HEAPU8.set(a, p);
        n = a.length;
      } else if (typeof a === 'number') {
        if (!Number.isInteger(a) || a < 0) throw new CloakBadParamsError(-10, 'a number argument must be a non-negative integer');
        n = a > 0xffffffff ? 0xffffffff : a; // size_t is 32 bits here: saturate, the library then refuses
      }
      const h32 = new Uint32Array(m.HEAPU8.buffer, table, 2 * MAXARGS);
      h32[i] = p;
      h32[MAXARGS + i] = n;
    }
    const rc = m._cloak_js_call(op, table, table + 4 * MAXARGS, args.length);
    const heap = m.HEAPU8; // after the call: memory may have grown
    const h32 = new Uint32Array(heap.buffer, table, 2 * MAXARGS);
    for (let i = 0; i < MAXARGS; i++) nums[i] = i < args.length ? h32[MAXARGS + i] : 0;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a instanceof Uint8Array && a.length > 0) a.set(heap.subarray(ptrs[i], ptrs[i] + a.length));
    }
    return rc;
  } finally {
    for (let i = 0; i < args.length; i++) {
      const p = ptrs[i];
      if (p) {
        const a = args[i] as Uint8Array;
        m._cloak_js_wipe(p, a.length === 0 ? 1 : a.length);
        m._free(p);
      }
    }
    m._free(table);
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
  return {
    name: 'wasm',
    call: (op, args, nums) => wasmCall(m, op, args, nums),
    callAsync: (op, args, nums) =>
      host ? host.call(op, args, nums) : Promise.resolve().then(() => wasmCall(m, op, args, nums)),
    close: () => host?.close(),
  };
}
