/** The worker of the WebAssembly backend's callAsync() under Node (a worker_threads worker). */
import { parentPort } from 'node:worker_threads';
import createCloakModule from './cloak-wasm.mjs';
import { serveWorker } from './wasm.js';

const port = parentPort!;
port.on('message', serveWorker(createCloakModule, (m, t) => port.postMessage(m, t as never)));
