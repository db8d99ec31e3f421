/**
 * libcloak for Node: the API (cloak.ts) and load(), which picks the backend:
 *
 * - the prebuilt N-API addon of this package (prebuilds/<platform>-<arch>/, libcloak and
 *   libsodium linked in) by default;
 * - WebAssembly when asked (`load({ backend: 'wasm' })` or LIBCLOAK_BACKEND=wasm), or when no
 *   prebuilt addon fits this platform or it fails to load: then load() says so, in one line on
 *   stderr (console.warn) and in `cloak.backendDetail`. `backend: 'native'` (or
 *   LIBCLOAK_BACKEND=native) never falls back: it throws the reason instead.
 *
 * `cloak.backendName` is 'native' or 'wasm'. Browsers and bundlers get browser.ts instead (the
 * package's `browser` export condition, or `libcloak/wasm`).
 */
import { Cloak, CloakError, Status } from './cloak.js';
import type { Backend } from './backend.js';
import { findPrebuilt, loadNative } from './native.js';
import { loadWasmNode } from './wasm-node.js';
import type { WasmOptions } from './wasm.js';

export * from './cloak.js';
export type { WasmOptions } from './wasm.js';

export type BackendChoice = 'auto' | 'native' | 'wasm';

export interface LoadOptions {
  /**
   * 'auto' (the default): the prebuilt addon, else WebAssembly with a warning; 'native': the addon
   * or an error; 'wasm': WebAssembly. Left out, the environment variable LIBCLOAK_BACKEND decides.
   */
  backend?: BackendChoice;
  /** A cloak .node file to load instead of the package's prebuilt one (implies the addon). */
  nativePath?: string;
  wasm?: WasmOptions;
  /** Where the fallback warning goes (default console.warn); null for none (`cloak.backendDetail` still says). */
  warn?: ((message: string) => void) | null;
}

function choice(options: LoadOptions): BackendChoice {
  const which = options.backend ?? (process.env.LIBCLOAK_BACKEND || 'auto');
  if (which !== 'auto' && which !== 'native' && which !== 'wasm') {
    throw new CloakError(Status.BAD_PARAMS, `backend (or LIBCLOAK_BACKEND) must be auto, native or wasm, not ${which}`);
  }
  return which;
}

/** Loads a backend and initialises the library. */
export async function load(options: LoadOptions = {}): Promise<Cloak> {
  const which = choice(options);
  let backend: Backend | null = null;
  if (which === 'wasm') {
    backend = await loadWasmNode(options.wasm, options.backend === 'wasm' ? 'asked for' : 'asked for by LIBCLOAK_BACKEND');
  } else {
    let why: string;
    const found = options.nativePath !== undefined ? { path: options.nativePath } : await findPrebuilt(new URL('../', import.meta.url));
    if ('path' in found) {
      try {
        backend = await loadNative(found.path);
        why = '';
      } catch (e) {
        why = `the addon ${found.path} did not load: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
      }
    } else {
      why = found.why;
    }
    if (!backend) {
      if (which === 'native') throw new CloakError(Status.INTERNAL, `libcloak: ${why}`);
      backend = await loadWasmNode(options.wasm, `fallback: ${why}`);
      const warn = options.warn === undefined ? (m: string) => console.warn(m) : options.warn;
      warn?.(`libcloak: ${why}; using WebAssembly instead (LIBCLOAK_BACKEND=wasm chooses it without this warning)`);
    }
  }
  return new Cloak(backend);
}
