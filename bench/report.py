#!/usr/bin/env python3
"""Turns the outputs of bench/run (wrk runs, seeding times, start-up, peak RSS, bytes on the wire,
query plans) into bench/RESULTS.md: one table with ratios to the fortunes ceiling measured in the
same run."""

import datetime
import math
import os
import platform
import re
import subprocess
import sys

out = sys.argv[1]


def read(name, default=""):
    path = os.path.join(out, name)
    return open(path).read().strip() if os.path.exists(path) else default


def ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(name):
    text = read(f"wrk-{name}.txt")
    if not text:
        return None
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    # Anchored: "72.50%" in the thread statistics must not be read as the median.
    p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
    p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
    # wrk prints these two lines only when there is something to count.
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    kinds = {"non-2xx/3xx": int(non2xx.group(1)) if non2xx else 0}
    if socket:
        kinds.update(zip(("connect", "read", "write", "timeout"), map(int, socket.groups())))
    errors = sum(kinds.values())
    total = int(re.search(r"(\d+) requests in", text).group(1))
    detail = ", ".join(f"{kind} {count:,}" for kind, count in kinds.items() if count)
    return {"rps": rps, "p50": p50, "p99": p99, "errors": errors, "detail": detail, "total": total}


def wire(coding):
    """Body bytes of the published report as received with `Accept-Encoding: coding`, and the
    coding the server answered with."""
    fields = read(f"report-bytes-{coding}.txt").split()
    if not fields:
        return None
    return int(fields[0]), (fields[1] if len(fields) > 1 else "identity")


SCENARIOS = [
    ("fortunes", "ceiling: fortunes (sqlx + askama)", None),
    ("static", "ceiling: static askama page", None),
    ("signin", "sign-in page (no database)", None),
    ("report", "published report page", 0.50),
    ("dashboard", "consultant dashboard", 0.30),
    ("list", "territory list, page 50", 0.30),
    ("search", "`/geo/recherche`, varied queries", 0.30),
    ("autosave", "autosave POST (distinct answers)", 0.15),
]
# Scenarios whose target includes no error at all.
ZERO_ERRORS = ("autosave",)
REPORT_WIRE_TARGET_KB = 25  # with `Accept-Encoding: br`; 1 KB = 1,000 bytes
SEARCH_P50_TARGET_MS = 3

lines = []
lines.append("# Benchmark results\n")
lines.append(
    f"Run of `bench/run` on {datetime.date.today().isoformat()}, {platform.machine()}, "
    f"{os.cpu_count()} cores, {platform.platform()}. The app (release build) and its embedded "
    "PostgreSQL are pinned to core 0 (`taskset -c 0`), wrk to core 1; loopback only; "
    "each run is a warm-up then a bounded run (see `bench/run`). Every scenario, the fortunes and "
    "static ceilings included, sends the request headers a browser sends: "
    "`Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8`, "
    "`Accept-Encoding: gzip, deflate, br`, `Accept-Language: fr-FR,fr;q=0.9,en;q=0.8` "
    "(plus the session cookie on signed-in pages), so responses come back compressed wherever "
    "the server compresses. Ratios are to the fortunes "
    "ceiling measured in the same run at the same number of connections; targets in brackets. "
    "Errors are wrk's non-2xx/3xx responses plus socket errors (connect, read, write, timeout).\n"
)
lines.append(f"- Seeding: {read('seed-10.txt')}; then {read('seed-full.txt')}.")
lines.append(f"- Start to first 200 on an existing cluster: **{read('startup.txt')} s**.")
rss = read("peak-rss-kb.txt")
if rss:
    lines.append(f"- Peak RSS of the app over the whole run: **{int(rss) / 1024:.1f} MB**.")
br, identity = wire("br"), wire("identity")
if br or identity:
    parts = []
    if br:
        parts.append(
            f"**{br[0] / 1000:.1f} KB** ({br[0]:,} bytes, answered `{br[1]}`) with `Accept-Encoding: br` "
            f"(≤ {REPORT_WIRE_TARGET_KB} KB)"
        )
    if identity:
        parts.append(f"{identity[0] / 1000:.1f} KB ({identity[0]:,} bytes, answered `{identity[1]}`) with identity")
    lines.append(
        "- Published report on the wire (response body as received, headers excluded; 1 KB = 1,000 bytes): "
        + "; ".join(parts) + "."
    )
lines.append("")
lines.append("| scenario | conn. | req/s | p50 ms | p99 ms | errors | req/s vs fortunes | p99 vs fortunes |")
lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
errors = []
for c in (16, 64):
    ceiling = wrk(f"fortunes-c{c}")
    for key, title, target in SCENARIOS:
        r = wrk(f"{key}-c{c}")
        if not r:
            continue
        ratio = f"{r['rps'] / ceiling['rps']:.2f}" if ceiling else "–"
        if target:
            ratio += f" (≥ {target:.2f})"
        p99 = f"{r['p99'] / ceiling['p99']:.1f}×" if ceiling and key not in ("fortunes",) else "–"
        if key not in ("fortunes", "static", "autosave") and c == 64:
            p99 += " (≤ 3×)"
        errors_cell = f"{r['errors']:,}" + (" (0)" if key in ZERO_ERRORS else "")
        if r["errors"]:
            errors.append(f"{title}, {c} connections: {r['detail']} (of {r['total']:,} requests)")
        lines.append(
            f"| {title} | {c} | {r['rps']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {errors_cell} | {ratio} | {p99} |"
        )
one = wrk("search-c1")
if one:
    errors += [f"search at 1 connection: {one['detail']} (of {one['total']:,} requests)"] if one["errors"] else []
    lines.append(
        f"\nSearch at 1 connection: **p50 {one['p50']:.2f} ms**, p99 {one['p99']:.2f} ms, {one['rps']:,.0f} req/s, "
        f"{one['errors']:,} errors (target p50 < {SEARCH_P50_TARGET_MS} ms)."
    )
PUBLISH_P95_TARGET_MS = 1000
published = [line.split() for line in read("publish-ms.txt").splitlines() if line.strip()]
if published:
    times = sorted(float(p[-1]) * 1000 for p in published)
    redirected = sum(1 for p in published if p[0] == "303" and "/rapports/" in p[1])
    p95 = times[max(0, math.ceil(0.95 * len(times)) - 1)]
    during = wrk("autosave-during-publication")
    load = (
        f", while 16 connections autosaved ({during['rps']:,.0f} req/s, p99 {during['p99']:.2f} ms, "
        f"{during['errors']:,} errors)"
        if during
        else ""
    )
    lines.append(
        f"\n\"Publier\" (form POST to the report's redirect, PDFs left to the job): {len(times)} publications, "
        f"{redirected} redirected to their report; **p95 {p95:.0f} ms** (target < {PUBLISH_P95_TARGET_MS} ms), "
        f"p50 {times[len(times) // 2]:.0f} ms, max {times[-1]:.0f} ms{load}."
    )
if errors:
    lines.append("\nErrors reported by wrk:\n")
    lines.extend(f"- {line}" for line in errors)

lines.append("\n## Scale: 10 territories against the full volume (16 connections)\n")
lines.append("| scenario | req/s (10) | req/s (full) | change | p50 (10) | p50 (full) | errors (10) |")
lines.append("|---|---:|---:|---:|---:|---:|---:|")
for key in ("report", "dashboard", "search"):
    small, full = wrk(f"small-{key}-c16"), wrk(f"{key}-c16")
    if small and full:
        change = (full["rps"] - small["rps"]) / small["rps"] * 100
        lines.append(
            f"| {key} | {small['rps']:,.0f} | {full['rps']:,.0f} | {change:+.0f} % | {small['p50']:.2f} | {full['p50']:.2f} "
            f"| {small['errors']:,}{' (' + small['detail'] + ')' if small['errors'] else ''} |"
        )

analysis = os.path.join(os.path.dirname(os.path.abspath(__file__)), "analysis.md")
if os.path.exists(analysis):
    lines.append("")
    lines.append(open(analysis).read().strip())

lines.append("\n## Query plans of the hot queries (full volume)\n")
lines.append(read("explain.md"))
lines.append("\n## How to rerun\n")
lines.append("```sh\nbench/run                # full run (2,000 published reports)\nREPORTS=200 bench/run    # quicker\n```")
print("\n".join(lines))
