/**
 * The WebAssembly backend in browsers and workers, and for bundlers: no node:* imports. The .wasm
 * and the worker are named by `new URL('./file', import.meta.url)` literals, which Vite and
 * webpack follow (emitting both files into the build) and which, unbundled or bundled by esbuild,
 * resolve next to the script (copy dist/cloak-wasm.wasm and dist/cloak-worker.js there). The
 * options give the bytes, the compiled module or the URLs instead.
 */
import type { Backend } from './backend.js';
import createCloakModule from './cloak-wasm.mjs';
import { instantiate, wasmBackend, WorkerHost, type WasmOptions } from './wasm.js';

async function compile(options: WasmOptions): Promise<WebAssembly.Module> {
  if (options.wasmModule) return options.wasmModule;
  if (options.wasmBytes) return WebAssembly.compile(options.wasmBytes);
  const url = options.wasmUrl ?? new URL('./cloak-wasm.wasm', import.meta.url);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`libcloak: fetching ${String(url)}: HTTP ${res.status}`);
  // Streaming compilation needs the server's application/wasm type; other types take the bytes.
  if (typeof WebAssembly.compileStreaming === 'function' && res.headers.get('content-type')?.split(';')[0].trim() === 'application/wasm') {
    return WebAssembly.compileStreaming(res);
  }
  return WebAssembly.compile(await res.arrayBuffer());
}

function startWorker(options: WasmOptions): Worker {
  // A literal of its own, so that bundlers see the worker as an entry.
  if (options.workerUrl !== undefined) return new Worker(options.workerUrl, { type: 'module' });
  return new Worker(new URL('./cloak-worker.js', import.meta.url), { type: 'module' });
}

export async function loadWasmBrowser(options: WasmOptions = {}): Promise<Backend> {
  const module = await compile(options);
  const m = await instantiate(createCloakModule, module);
  const useWorker = options.worker !== false && typeof Worker === 'function';
  const host = !useWorker ? null : new WorkerHost(module, (onMessage, onError) => {
    const w = startWorker(options);
    w.onmessage = (ev: MessageEvent) => onMessage(ev.data);
    w.onmessageerror = () => onError(new Error('libcloak: a message from the WebAssembly worker could not be read'));
    // An error event carries the worker's uncaught error where the browser gives it; a script
    // that failed to load gives a bare event.
    w.onerror = (ev: ErrorEvent) => {
      ev.preventDefault?.();
      onError(ev.error ?? new Error(ev.message ? `libcloak: the WebAssembly worker failed: ${ev.message} (${ev.filename}:${ev.lineno})`
        : `libcloak: the WebAssembly worker failed to start (${String(options.workerUrl ?? 'cloak-worker.js')})`));
    };
    return { post: (msg, t) => w.postMessage(msg, t ?? []), terminate: () => w.terminate() };
  });
  return wasmBackend(m, host, useWorker ? 'WebAssembly' : 'WebAssembly, without a worker');
}
