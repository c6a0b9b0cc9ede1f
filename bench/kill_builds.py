#!/usr/bin/env python3
"""Kills real builds at random moments and checks that the next build heals.

Each trial edits a synthetic bulletin (a story's text, a new story with a
new tag, a deleted story, a changed tag), starts `bulletin build`, kills it
with SIGKILL after a random delay (half the trials aim at the end of the
build) or, every third trial, kills it a random few milliseconds after its
commit journal appears (inside the commit), undoes the edits, builds again and compares
public/ with a clean build of the same content in a fresh folder: every
file, byte for byte, the manifest included, orphans and missing files
counted. It prints one line per trial and a summary; the exit code is 1
if any trial differs.

    python3 bench/kill_builds.py --articles 3000 --trials 20
"""

import argparse
import filecmp
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def files(root: Path) -> dict:
    out = {}
    for dirpath, _, names in os.walk(root):
        for n in names:
            p = Path(dirpath) / n
            rel = p.relative_to(root).as_posix()
            if rel != ".bulletin-lock":
                out[rel] = p
    return out


def compare(actual: Path, expected: Path) -> tuple:
    a, e = files(actual), files(expected)
    orphans = sorted(set(a) - set(e))
    missing = sorted(set(e) - set(a))
    differ = sorted(
        p for p in set(a) & set(e) if not filecmp.cmp(a[p], e[p], shallow=False)
    )
    return differ, orphans, missing


def build(binary: str, site: Path, *extra) -> float:
    start = time.perf_counter()
    subprocess.run(
        [binary, "build", *extra], cwd=site, check=True, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - start


class Edits:
    """A few edits of the site, remembered so they can be undone."""

    def __init__(self, site: Path, rng: random.Random):
        self.saved = {}
        self.added = []
        stories = sorted((site / "content").rglob("story-*.md"))
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(["text", "new", "delete", "tag"])
            story = rng.choice(stories)
            if story in self.saved or not story.exists():
                continue
            text = story.read_text()
            if kind == "new":
                new = story.with_name(f"killed-{rng.randrange(10**9)}.md")
                text = "\n".join(l for l in text.splitlines() if not l.startswith("translation_key"))
                new.write_text(text.replace('tags = [', 'tags = ["brand new tag", ', 1) + "\n")
                self.added.append(new)
                continue
            self.saved[story] = text
            if kind == "text":
                story.write_text(text + "\nA paragraph added by the trial.\n")
            elif kind == "delete":
                story.unlink()
            else:
                story.write_text(text.replace('tags = [', 'tags = ["trial tag", ', 1))

    def undo(self):
        for path, text in self.saved.items():
            path.write_text(text)
        for path in self.added:
            path.unlink()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=3000, help="stories per language")
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--bin", default=str(HERE.parent / "target/release/bulletin"))
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="bulletin-kill-"))
    site = work / "site"
    subprocess.run(
        [sys.executable, str(HERE / "gen.py"), "--layout", "bulletin",
         "--articles", str(args.articles), "--out", str(site)],
        check=True, stdout=subprocess.DEVNULL,
    )
    build(args.bin, site)
    # How long an edited build takes, to aim the kills.
    probe = Edits(site, rng)
    took = build(args.bin, site)
    probe.undo()
    build(args.bin, site)
    print(f"{args.articles * 3} stories; an edited build takes {took:.2f} s")

    bad = 0
    in_commit = 0
    for trial in range(1, args.trials + 1):
        edits = Edits(site, rng)
        journal_path = site / "public/.bulletin-journal"
        proc = subprocess.Popen([args.bin, "build"], cwd=site, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        started = time.perf_counter()
        if trial % 3 == 0:
            # Aim inside the commit: wait for its journal, then a moment.
            while proc.poll() is None and not journal_path.exists():
                time.sleep(0.0002)
            time.sleep(rng.uniform(0.0, 0.004))
        else:
            time.sleep(took * (rng.uniform(0.5, 1.1) if trial % 2 else rng.uniform(0.0, 1.0)))
        delay = time.perf_counter() - started
        killed = proc.poll() is None
        if killed:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        journal = journal_path.exists()
        in_commit += journal
        edits.undo()
        build(args.bin, site)
        clean = work / "clean"
        shutil.rmtree(clean, ignore_errors=True)
        build(args.bin, site, "--output", str(clean))
        differ, orphans, missing = compare(site / "public", clean)
        wrong = len(differ) + len(orphans) + len(missing)
        bad += wrong > 0
        state = "killed in the commit" if journal else ("killed" if killed else "finished")
        print(f"trial {trial:2}: {state:20} after {delay:.2f} s: "
              f"{len(differ)} differ, {len(orphans)} orphans, {len(missing)} missing"
              + (f" (e.g. {(differ + orphans + missing)[0]})" if wrong else ""))
    print(f"{args.trials} trials, {in_commit} killed inside the commit, "
          f"{bad} with differences from a clean build")
    shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
