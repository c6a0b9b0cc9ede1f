#!/usr/bin/env python3
"""`bulletin serve` under load while its site is edited, broken and fixed.

Generates a synthetic bulletin (or takes --site), starts `bulletin serve
--port 0` and, for --seconds:

- --clients threads fetch random pages of the site over kept-alive
  connections and count statuses, errors and latencies;
- --slow clients each open a connection, send half a request head and then
  nothing (or a byte now and then), and reconnect when the server drops
  them: they must neither stall the others nor pile up;
- an editor edits stories in place and by rename, breaks a front matter and
  fixes it, renames stories and deletes and restores them.

The server's memory (VmRSS) is sampled every second. When the time is up the
edits settle (every story back to a valid state), and every file of a clean
`bulletin build` of the same content (with the server's base URL) is fetched
from the server and compared byte for byte, the live-reload script removed.
The exit code is 1 on a crash, a 5xx other than the documented error page, a
page that differs, or memory that keeps growing.

    python3 bench/serve_load.py --articles 300 --seconds 30 --clients 32 --slow 200
"""

import argparse
import http.client
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
LIVE = re.compile(rb"<script>[^<]*__bulletin/live.*?</script>", re.S)


def rss_mib(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", help="an existing site (default: a generated one)")
    ap.add_argument("--articles", type=int, default=300, help="stories per language")
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--slow", type=int, default=200)
    ap.add_argument("--bin", default=str(HERE.parent / "target/release/bulletin"))
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="bulletin-load-"))
    if args.site:
        site = work / "site"
        shutil.copytree(args.site, site, ignore=shutil.ignore_patterns("public"))
    else:
        site = work / "site"
        subprocess.run([sys.executable, str(HERE / "gen.py"), "--layout", "bulletin",
                        "--articles", str(args.articles), "--out", str(site)],
                       check=True, stdout=subprocess.DEVNULL)

    server = subprocess.Popen([args.bin, "serve", "--port", "0", "--root", str(site)],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = server.stdout.readline()
    url = re.search(r"http://[0-9.:]+", line).group(0)
    host, port = url[len("http://"):].split(":")
    port = int(port)
    threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
    print(line.strip())

    clean = work / "clean"
    subprocess.run([args.bin, "build", "--root", str(site), "--output", str(clean),
                    "--base-url", url], check=True, stdout=subprocess.DEVNULL)
    paths = sorted(p.relative_to(clean).as_posix() for p in clean.rglob("*")
                   if p.is_file() and not p.name.startswith(".bulletin-"))
    pages = ["/" + p.removesuffix("index.html") for p in paths]

    stop = threading.Event()
    statuses = Counter()
    errors = Counter()
    undocumented_5xx = []
    latencies = []
    lock = threading.Lock()

    def client(seed):
        r = random.Random(seed)
        conn = None
        while not stop.is_set():
            path = r.choice(pages)
            start = time.perf_counter()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(host, port, timeout=10)
                conn.request("GET", urllib_quote(path))
                resp = conn.getresponse()
                body = resp.read()
                took = time.perf_counter() - start
                with lock:
                    statuses[resp.status] += 1
                    latencies.append(took)
                    if resp.status >= 500 and b"bulletin: th" not in body:
                        undocumented_5xx.append((path, resp.status))
                if resp.getheader("connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as e:
                with lock:
                    errors[type(e).__name__] += 1
                if conn:
                    conn.close()
                conn = None

    slow_closed = Counter()

    def slow(seed):
        r = random.Random(seed)
        while not stop.is_set():
            try:
                s = socket.create_connection((host, port), timeout=30)
                s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                opened = time.perf_counter()
                dribble = r.random() < 0.5
                while not stop.is_set():
                    if dribble:
                        s.sendall(b"a")
                    s.settimeout(1.0)
                    try:
                        if s.recv(1024) == b"":
                            break
                    except socket.timeout:
                        continue
                    except OSError:
                        break
                with lock:
                    slow_closed["closed by the server" if not stop.is_set() else "open at the end"] += 1
                    if not stop.is_set():
                        slow_closed["seconds open"] += round(time.perf_counter() - opened)
                s.close()
            except OSError:
                time.sleep(0.1)

    stories = sorted((site / "content").rglob("story-*.md"))
    originals = {}
    edits = Counter()

    def editor():
        r = random.Random(args.seed)
        while not stop.is_set():
            story = r.choice(stories)
            if story in originals:
                continue
            text = story.read_text()
            originals[story] = text
            kind = r.choice(["text", "rename-save", "break", "move", "delete"])
            edits[kind] += 1
            if kind == "text":
                story.write_text(text + f"\nAn added paragraph {r.random()}.\n")
            elif kind == "rename-save":
                tmp = story.with_name(".tmp-save")
                tmp.write_text(text.replace('title = "', 'title = "Edited ', 1))
                os.replace(tmp, story)
            elif kind == "break":
                story.write_text(text.replace("+++", "+++\ntitle = = broken", 1))
                time.sleep(0.3)
                story.write_text(text)
            elif kind == "move":
                moved = story.with_name("moved-" + story.name)
                os.replace(story, moved)
                time.sleep(0.3)
                os.replace(moved, story)
            else:
                story.unlink()
                time.sleep(0.3)
                story.write_text(text)
            time.sleep(0.2)
            # Most edits are undone at once; some stay until the end.
            if r.random() < 0.7:
                story.write_text(text)
                del originals[story]

    memory = []
    threads = [threading.Thread(target=client, args=(args.seed + n,), daemon=True)
               for n in range(args.clients)]
    threads += [threading.Thread(target=slow, args=(n,), daemon=True) for n in range(args.slow)]
    threads.append(threading.Thread(target=editor, daemon=True))
    for t in threads:
        t.start()
    end = time.time() + args.seconds
    while time.time() < end and server.poll() is None:
        m = rss_mib(server.pid)
        if m:
            memory.append(m)
        time.sleep(1)
    stop.set()
    for t in threads:
        t.join(timeout=15)
    crashed = server.poll() is not None

    # Settle: every story as it was, then compare with a clean build.
    for story, text in originals.items():
        story.write_text(text)
    time.sleep(2)
    shutil.rmtree(clean)
    subprocess.run([args.bin, "build", "--root", str(site), "--output", str(clean),
                    "--base-url", url], check=True, stdout=subprocess.DEVNULL)
    differ = []
    if not crashed:
        conn = http.client.HTTPConnection(host, port, timeout=10)
        for rel in sorted(p.relative_to(clean).as_posix() for p in clean.rglob("*")
                          if p.is_file() and not p.name.startswith(".bulletin-")):
            path = "/" + rel.removesuffix("index.html")
            conn.request("GET", urllib_quote(path))
            resp = conn.getresponse()
            body = LIVE.sub(b"", resp.read())
            if resp.status != 200 and rel != "404.html" or body != (clean / rel).read_bytes():
                differ.append(rel)
        conn.close()
    m_start, m_end = (memory[1] if len(memory) > 1 else 0), (memory[-1] if memory else 0)
    # Flat: the last third of the run no higher than the first third's peak
    # plus a little (caches warm up at the start).
    third = max(1, len(memory) // 3)
    growing = memory and max(memory[-third:]) > max(memory[:third]) * 1.25 + 8
    server.kill()
    server.wait()

    total = sum(statuses.values())
    lat = sorted(latencies)
    print(f"{args.seconds:.0f} s, {args.clients} clients, {args.slow} slow clients, "
          f"{sum(edits.values())} edits {dict(edits)}")
    print(f"requests: {total} ({total / args.seconds:.0f}/s), statuses {dict(statuses)}, "
          f"client errors {dict(errors)}")
    if lat:
        print(f"latency: median {statistics.median(lat) * 1000:.1f} ms, "
              f"p99 {lat[int(len(lat) * 0.99)] * 1000:.1f} ms, max {lat[-1] * 1000:.0f} ms")
    closed = slow_closed["closed by the server"]
    print(f"slow clients: {closed} dropped by the server"
          + (f" after {slow_closed['seconds open'] / closed:.1f} s on average" if closed else ""))
    print(f"memory (VmRSS): {m_start:.0f} MiB after 1 s, {max(memory or [0]):.0f} MiB peak, "
          f"{m_end:.0f} MiB at the end")
    print(f"crashed: {crashed}; undocumented 5xx: {len(undocumented_5xx)}; "
          f"pages differing from a clean build after settling: {len(differ)}"
          + (f" (e.g. {differ[:3]})" if differ else "")
          + f"; memory growing: {bool(growing)}")
    shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if crashed or undocumented_5xx or differ or growing else 0)


def urllib_quote(path):
    from urllib.parse import quote
    return quote(path, safe="/")


if __name__ == "__main__":
    main()
