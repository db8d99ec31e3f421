// A static file server for the browser test and the demo: serves the repository root on
// 127.0.0.1 with the MIME types modules and WebAssembly need. GET only, no directory listing,
// nothing outside the root.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json', '.png': 'image/png',
};

/** Serves `root`; `seen`, if given, is called with each path served (for tests that check what a page loaded). */
export function serve(root, port = 0, seen = null) {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost');
      const path = normalize(join(root, decodeURIComponent(url.pathname)));
      if (req.method !== 'GET' || !(path === root || path.startsWith(root + sep)) || !(await stat(path)).isFile()) {
        throw new Error('not served');
      }
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(await readFile(path));
      seen?.(url.pathname);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

// `node test/static-server.mjs [port]` serves the repository for a person to open the demo.
if (import.meta.url === `file://${process.argv[1]}`) {
  const root = new URL('../../..', import.meta.url).pathname.replace(/\/$/, '');
  const s = await serve(root, Number(process.argv[2] ?? 8080));
  console.log(`http://127.0.0.1:${s.address().port}/examples/web/index.html`);
}
