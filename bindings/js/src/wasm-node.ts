/**
 * The WebAssembly backend under Node: the module's bytes read from the package (or given), and
 * callAsync() in a worker_threads worker (dist/wasm-worker-node.js) started with `execArgv: []`,
 * so that the parent's flags (--input-type, --eval, loaders) do not apply to it.
 */
import type { Backend } from './backend.js';
import { instantiate, wasmBackend, WorkerHost, type EmFactory, type WasmOptions } from './wasm.js';

export async function loadWasmNode(options: WasmOptions = {}, why = 'asked for'): Promise<Backend> {
  const { readFile } = await import('node:fs/promises');
  const factory = (await import('./cloak-wasm.mjs')).default as EmFactory;
  const module = options.wasmModule ?? await WebAssembly.compile(
    options.wasmBytes ?? (await readFile(options.wasmUrl ?? new URL('./cloak-wasm.wasm', import.meta.url))) as Uint8Array<ArrayBuffer>);
  const m = await instantiate(factory, module);
  const host = options.worker === false ? null : new WorkerHost(module, async (onMessage, onError) => {
    const { Worker } = await import('node:worker_threads');
    const w = new Worker(options.workerUrl ?? new URL('./wasm-worker-node.js', import.meta.url), { execArgv: [] });
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('messageerror', onError);
    w.on('exit', (code) => onError(new Error(`libcloak: the WebAssembly worker exited with code ${code}`)));
    return { post: (m, t) => w.postMessage(m, t as never), terminate: () => void w.terminate(), ref: () => w.ref(), unref: () => w.unref() };
  });
  return wasmBackend(m, host, `WebAssembly (${why})`);
}
