#!/usr/bin/env python3
"""Search budget: what the index adds to a clean build, and its size.

Generates a bulletin with bench/gen.py (3 languages x --articles stories),
then builds it clean (output on tmpfs when /dev/shm exists), in turns,
--runs times: once with `search = true` and once as generated (without). Reports the medians, the index's share of the time, the
bytes of pagefind/ against the bytes of the site's HTML, and the time of a
build with no change (which must keep the index as it is). The budgets
(issue "Search the archive"): at most +20 % build time, index bytes at
most 30 % of the HTML's.

    python3 bench/search.py --articles 10000 --runs 3
"""

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def build(binary, site, out, clean=True):
    if clean:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(os.path.join(site, ".bulletin-cache"), ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([binary, "build", "--root", site, "--output", out],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def size(folder, keep):
    total = files = 0
    for dirpath, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(dirpath, name)
            if keep(path):
                total += os.path.getsize(path)
                files += 1
    return total, files


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=10000, help="stories per language")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--binary", default=os.path.join(REPO, "target", "release", "bulletin"))
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="bulletin-search-")
    scratch = tempfile.mkdtemp(prefix="bulletin-search-out-",
                               dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    on, off = os.path.join(work, "on"), os.path.join(work, "off")
    subprocess.run(["python3", os.path.join(HERE, "gen.py"), "--layout", "bulletin",
                    "--articles", str(args.articles), "--out", on], check=True)
    shutil.copytree(on, off)
    with open(os.path.join(on, "site.toml")) as f:
        toml = f.read()
    with open(os.path.join(on, "site.toml"), "w") as f:
        f.write("search = true\n" + toml)
    times = {"on": [], "off": []}
    for _ in range(args.runs):
        for name, site in (("on", on), ("off", off)):
            times[name].append(build(args.binary, site, os.path.join(scratch, name)))
    out = os.path.join(scratch, "on")
    index, index_files = size(os.path.join(out, "pagefind"), lambda p: True)
    html, html_files = size(out, lambda p: p.endswith(".html") and "/pagefind/" not in p)
    unchanged = [build(args.binary, on, out, clean=False) for _ in range(args.runs)]
    a, b = statistics.median(times["on"]), statistics.median(times["off"])
    print(f"3 x {args.articles} stories, {args.runs} clean builds each (medians):")
    print(f"  without search: {b:.2f} s")
    print(f"  with search:    {a:.2f} s  ({(a / b - 1) * 100:+.1f} %, budget +20 %)")
    print(f"  index: {index / 1e6:.1f} MB in {index_files} files; HTML: {html / 1e6:.1f} MB in"
          f" {html_files} files -> {index / html * 100:.1f} % (budget 30 %)")
    print(f"  no-change rebuild with search: {statistics.median(unchanged):.2f} s")
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
