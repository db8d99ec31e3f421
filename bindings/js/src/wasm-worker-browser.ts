/**
 * The worker of the WebAssembly backend's callAsync() in a browser (a module worker). The package
 * ships it bundled into one file, dist/cloak-worker.js (scripts/build-dist.sh), so that it can be
 * copied or served alone.
 */
import createCloakModule from './cloak-wasm.mjs';
import { serveWorker } from './wasm.js';

const scope = self as unknown as { postMessage(m: unknown, t: Transferable[]): void; onmessage: ((ev: MessageEvent) => void) | null };
const handle = serveWorker(createCloakModule, (m, t) => scope.postMessage(m, t));
scope.onmessage = (ev) => handle(ev.data);
