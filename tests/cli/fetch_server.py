#!/usr/bin/env python3
"""A batch server for tests/cli/test_fetch.sh: serves batch files over HTTP or HTTPS on 127.0.0.1
the way a real server must, checking the service account's access credential
(docs/protocol.md section 9.4) against a verifier given on the command line, and misbehaving on
purpose at some paths so the test can see what cloak does with each failure.

    fetch_server.py --root DIR --port-file FILE --log FILE --key-id HEX --verifier HEX
                    [--cert PEM --key PEM] [--limit BYTES]

It listens on a free port of 127.0.0.1 and writes the port to --port-file once it accepts
connections. Paths (every one needs the credential first, as a real server's would):

    /batch/NAME              DIR/NAME, 200, text/plain (404 when there is no such file)
    /pad/NAME/SIZE           DIR/NAME followed by a comment that makes the body exactly SIZE bytes
    /pad-chunked/NAME/SIZE   the same, chunked, with no length announced
    /cut/NAME                announces DIR/NAME's length but sends half of it, then closes
    /status/CODE             answers CODE with a short body
    /redirect/NAME           302 to /batch/NAME on this same server

Each request is logged as one line "PATH auth=ok|bad|none accept=VALUE" (never the credential)."""

import argparse
import hashlib
import hmac
import http.server
import os
import re
import ssl
import sys
import urllib.parse

VERIFIER_LABEL = b"libcloak v2 service account verifier"
BEARER = re.compile(r"Bearer cloak-sa\.([0-9a-f]{32})\.([0-9a-f]{64})")


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--key-id", required=True)
    p.add_argument("--verifier", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    return p.parse_args()


ARGS = parse_args()
EXPECTED_VERIFIER = bytes.fromhex(ARGS.verifier)


def check_credential(header):
    """'ok', 'bad' or 'none'. The server stores only the verifier: it hashes what it receives and
    compares in constant time, as docs/protocol.md section 9.4 says a server does."""
    if header is None:
        return "none"
    m = BEARER.fullmatch(header)
    if m is None or m.group(1) != ARGS.key_id:
        return "bad"
    got = hashlib.sha256(VERIFIER_LABEL + bytes.fromhex(m.group(2))).digest()
    return "ok" if hmac.compare_digest(got, EXPECTED_VERIFIER) else "bad"


def safe_file(name):
    if "/" in name or name in ("", ".", ".."):
        return None
    path = os.path.join(ARGS.root, name)
    return path if os.path.isfile(path) else None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # chunked answers need it

    def log_message(self, fmt, *args):  # the default logger writes to stderr: keep the test quiet
        pass

    def answer(self, code, body, headers=()):
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        auth = check_credential(self.headers.get("Authorization"))
        accept = self.headers.get("Accept", "")
        with open(ARGS.log, "a", encoding="ascii") as log:
            log.write(f"{path} auth={auth} accept={accept}\n")
        if auth != "ok":
            self.answer(401, b"unauthorized\n", [("WWW-Authenticate", "Bearer")])
            return
        if accept != "text/plain":
            self.answer(406, b"send Accept: text/plain\n")
            return
        parts = path.strip("/").split("/")
        try:
            self.route(parts)
        except OSError:
            pass  # cloak hung up on purpose (a body over its limit); ssl.SSLError is an OSError too

    def route(self, parts):
        kind = parts[0]
        if kind == "status" and len(parts) == 2:
            self.answer(int(parts[1]), b"as you asked\n")
            return
        if kind == "redirect" and len(parts) == 2:
            self.answer(302, b"moved\n", [("Location", "/batch/" + parts[1])])
            return
        name = parts[1] if len(parts) >= 2 else ""
        f = safe_file(name)
        if f is None:
            self.answer(404, b"no such batch\n")
            return
        with open(f, "rb") as fh:
            data = fh.read()
        if kind == "batch" and len(parts) == 2:
            self.answer(200, data)
        elif kind == "cut" and len(parts) == 2:
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif kind in ("pad", "pad-chunked") and len(parts) == 3:
            self.padded(data, int(parts[2]), kind == "pad-chunked")
        else:
            self.answer(404, b"no such path\n")

    def padded(self, data, size, chunked):
        # A comment line that fills the body up to exactly `size` bytes: "#" + spaces + "\n".
        fill = size - len(data)
        if fill < 2:
            self.answer(500, b"size too small for the batch\n")
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Connection", "close")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(size))
        self.end_headers()
        self.close_connection = True
        pieces = [data, b"#"]
        left = fill - 2
        block = b" " * (1 << 20)
        while left > 0:
            n = min(left, len(block))
            pieces.append(block[:n])
            left -= n
        pieces.append(b"\n")
        for piece in pieces:
            if chunked:
                self.wfile.write(b"%x\r\n" % len(piece) + piece + b"\r\n")
            else:
                self.wfile.write(piece)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if ARGS.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.cert, ARGS.key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(f"{server.server_address[1]}\n")
    os.rename(tmp, ARGS.port_file)  # the test waits for the file: it appears whole
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
