/**
 * libcloak for browsers, workers and bundlers (the package's `browser` export condition, and
 * `libcloak/wasm` anywhere): the API (cloak.ts) over the WebAssembly backend. Nothing here imports
 * node:*. The .wasm and the worker are found next to this module by
 * `new URL(..., import.meta.url)` literals (Vite and webpack emit them into the build; with esbuild
 * or no bundler, serve dist/cloak-wasm.wasm and dist/cloak-worker.js next to the script), or
 * given: `load({ wasm: { wasmUrl, workerUrl } })`, `{ wasmBytes }` or `{ wasmModule }`.
 */
import { Cloak, CloakError, Status } from './cloak.js';
import { loadWasmBrowser } from './wasm-browser.js';
import type { WasmOptions } from './wasm.js';

export * from './cloak.js';
export type { WasmOptions } from './wasm.js';

export type BackendChoice = 'auto' | 'native' | 'wasm';

export interface LoadOptions {
  /** 'auto' or 'wasm' (the default): WebAssembly, the only backend here; 'native' is an error. */
  backend?: BackendChoice;
  wasm?: WasmOptions;
}

/** Loads the WebAssembly backend and initialises the library. */
export async function load(options: LoadOptions = {}): Promise<Cloak> {
  if (options.backend === 'native') {
    throw new CloakError(Status.INTERNAL, 'libcloak: the native addon is for Node; this is the WebAssembly entry');
  }
  return new Cloak(await loadWasmBrowser(options.wasm));
}
