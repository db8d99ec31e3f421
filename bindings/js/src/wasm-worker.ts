/**
 * The worker of the WebAssembly backend's callAsync(): its own instance of the module, one call per
 * message; the slots go back transferred and the worker keeps no copy. Runs as a browser module
 * worker or a Node worker_threads worker.
 */
import { instantiate, wasmCall } from './wasm.js';
import { MAXARGS, type Slot } from './backend.js';
import { isNode } from './env.js';

type Msg = { id: number; op: number; args: Slot[] };
type Post = (m: unknown, transfer: ArrayBuffer[]) => void;

function serve(moduleUrl: string, post: Post): (msg: Msg) => Promise<void> {
  const ready = instantiate(moduleUrl);
  return async (msg: Msg) => {
    try {
      const m = await ready;
      const nums = new Float64Array(MAXARGS);
      const rc = wasmCall(m, msg.op, msg.args, nums);
      const transfer = msg.args.filter((a): a is Uint8Array => a instanceof Uint8Array).map((a) => a.buffer as ArrayBuffer);
      post({ id: msg.id, rc, args: msg.args, nums: Array.from(nums) }, transfer);
    } catch (e) {
      for (const a of msg.args) if (a instanceof Uint8Array) a.fill(0);
      post({ id: msg.id, error: String(e instanceof Error ? e.message : e) }, []);
    }
  };
}

if (isNode()) {
  const { parentPort, workerData } = await import('node:worker_threads');
  const handle = serve(workerData.moduleUrl, (m, t) => parentPort!.postMessage(m, t));
  parentPort!.on('message', (msg: Msg) => void handle(msg));
} else {
  let handle: ((msg: Msg) => Promise<void>) | null = null;
  const queue: Msg[] = [];
  const post: Post = (m, t) => (self as unknown as { postMessage: (m: unknown, t: Transferable[]) => void }).postMessage(m, t);
  self.onmessage = (ev: MessageEvent) => {
    const data = ev.data;
    if (data && data.init) {
      handle = serve(data.init.moduleUrl, post);
      for (const q of queue.splice(0)) void handle(q);
    } else if (handle) {
      void handle(data as Msg);
    } else {
      queue.push(data as Msg);
    }
  };
}
