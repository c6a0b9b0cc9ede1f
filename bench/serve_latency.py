#!/usr/bin/env python3
"""Time from saving an article to `bulletin serve` returning the new page.

Starts `bulletin serve --port 0` on SITE, then edits one article EDITS times,
alternating an in-place write and an editor's atomic save (write a temp file,
rename it over the original), and polls the article's URL until the new
title is served. Prints the median and spread for each kind of save, and the
server's peak memory (VmHWM).

    python3 bench/serve_latency.py --site . --article content/en/news/how-we-publish.md
    python3 bench/serve_latency.py --site /tmp/b10k --edits 20
    python3 bench/serve_latency.py --site /tmp/b10k --edits 20 --change tag
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--site", default=".")
    ap.add_argument("--article", help="article to edit (default: the first .md under content/en)")
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--change", choices=["title", "tag"], default="title",
                    help="what each edit changes: the title (text only) or the tags "
                         "(moves the article between term pages: the site's structure changes)")
    ap.add_argument("--bin", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "bulletin"))
    args = ap.parse_args()

    site = os.path.abspath(args.site)
    article = args.article
    if not article:
        for d, _, files in sorted(os.walk(os.path.join(site, "content", "en"))):
            md = sorted(f for f in files if f.endswith(".md") and f != "_index.md")
            if md:
                article = os.path.join(d, md[0])
                break
    article = os.path.join(site, article)
    original = open(article, encoding="utf-8").read()
    title = re.search(r'^title\s*=\s*"(.*)"', original, re.M) or re.search(r"^title:\s*(.*)$", original, re.M)
    if not title:
        sys.exit(f"no title line in {article}")

    server = subprocess.Popen([args.bin, "serve", "--port", "0", "--root", site],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline()
        url = re.search(r"http://[0-9.:]+", line).group(0)
        print(line.strip())
        # Drain stdout so the server never blocks on a full pipe.
        import threading
        threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
        rel = os.path.relpath(article, site)
        page = find_page(url, site, rel, title.group(1))
        times = {"in place": [], "rename": []}
        for i in range(args.edits):
            if args.change == "title":
                marker = f"{title.group(1)} edit {i}"
                text = original.replace(title.group(1), marker, 1)
            else:
                marker = f"edit-tag-{i}"
                text, n = re.subn(r"^tags = \[", f'tags = ["{marker}", ', original, count=1, flags=re.M)
                if n == 0:
                    sys.exit(f"no `tags = [` line in {article}")
            kind = "in place" if i % 2 == 0 else "rename"
            start = time.perf_counter()
            if kind == "in place":
                with open(article, "w", encoding="utf-8") as f:
                    f.write(text)
            else:
                tmp = os.path.join(os.path.dirname(article), f".{os.path.basename(article)}.tmp")
                with open(tmp, "w", encoding="utf-8") as f:
                    f.write(text)
                os.replace(tmp, article)
            while marker.encode() not in fetch(url + page):
                if time.perf_counter() - start > 30:
                    sys.exit(f"edit {i} not served after 30 s")
                time.sleep(0.002)
            times[kind].append((time.perf_counter() - start) * 1000)
            time.sleep(0.05)
        peak = read_peak(server.pid)
    finally:
        with open(article, "w", encoding="utf-8") as f:
            f.write(original)
        server.terminate()
        server.wait()
    print(f"{'save':<10} {'n':>3} {'median ms':>10} {'min':>7} {'max':>7}")
    for kind, ts in times.items():
        print(f"{kind:<10} {len(ts):>3} {statistics.median(ts):>10.1f} {min(ts):>7.1f} {max(ts):>7.1f}")
    all_times = times["in place"] + times["rename"]
    print(f"{'all':<10} {len(all_times):>3} {statistics.median(all_times):>10.1f}")
    print(f"server peak RSS: {peak} MiB")


def fetch(url):
    with urllib.request.urlopen(url) as r:
        return r.read()


def find_page(url, site, rel, title):
    """The served URL of the article, with or without its language prefix."""
    parts = rel.split(os.sep)[1:]  # drop content/
    slug = os.path.splitext(parts[-1])[0]
    for prefix in (parts[:-1], parts[1:-1]):
        candidate = "/" + "/".join(prefix + [slug]) + "/"
        try:
            if title.encode() in fetch(url + candidate):
                return candidate
        except Exception:
            pass
    sys.exit(f"cannot find the served page of {rel}; give an article whose slug is its file name")


def read_peak(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return -1


if __name__ == "__main__":
    main()
