#!/usr/bin/env python3
"""Peers as ratios to libcloak: a Markdown table for docs/performance.md.

    compare.py BENCH.json PEER.json [PEER.json ...]

BENCH.json is `bench --json`; each PEER.json is the output of a peer script (webcrypto.mjs,
pyca_hpke.py). A ratio is the peer's median over libcloak's for the same operation: above 1, the
peer is slower.
"""
import json
import sys


def fmt(s):
    if s >= 1e-3:
        return "%.2f ms" % (s * 1e3)
    if s >= 1e-5:
        return "%.1f us" % (s * 1e6)
    return "%.2f us" % (s * 1e6)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        bench = json.load(f)
    cloak = {r["operation"]: r["libcloak_median_s"] for r in bench["results"]}
    peers = []
    for path in sys.argv[2:]:
        with open(path) as f:
            peers.append(json.load(f))
    head = "| operation | libcloak |"
    rule = "|---|---:|"
    for p in peers:
        head += " %s | ratio |" % p.get("short", p["peer"])
        rule += "---:|---:|"
    print(head)
    print(rule)
    ops = [r["operation"] for r in peers[0]["results"]]
    for op in ops:
        if op not in cloak:
            continue
        row = "| %s | %s |" % (op, fmt(cloak[op]))
        for p in peers:
            m = {r["operation"]: r["median_s"] for r in p["results"]}
            if op in m:
                row += " %s | %.2f |" % (fmt(m[op]), m[op] / cloak[op])
            else:
                row += " - | - |"
        print(row)
    print()
    for p in peers:
        print("- %s: %s, %d repetitions of at least %.0f ms" % (p["peer"], p["runtime"], p["repetitions"],
                                                               p["min_ms"]))


if __name__ == "__main__":
    main()
