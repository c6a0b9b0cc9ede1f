#!/usr/bin/env python3
"""Shortcode benchmark: stories with 20 shortcodes against the same stories
written in plain Markdown.

Generates two sites of N English stories each. In one, every story has 20
shortcode calls (pull quotes, fact boxes, details and quotes with Markdown
bodies, and embeds); in the other, the same story says the same things in
plain Markdown (block quotes, lists, headings and links), about the same
length. Both are built clean (output on tmpfs), in turns, --runs times; the
time compared is the render stage's CPU time (`BULLETIN_PROFILE=1`, the
stage "files rendered"), where shortcodes cost, and the whole build's wall
time beside it. The budget: at most 2x.

    python3 bench/shortcodes.py --stories 1000 --runs 5
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

SITE = """title = "Bench"
base_url = "https://example.org"
[languages.en]
name = "English"
"""

WITH = """{{% pullquote(by="Speaker {n}") %}}
Talks on item {n} will *resume* next week, said the speaker.
{{% end %}}

{{% factbox(title="Item {n}") %}}
* **Where:** the hall of item {n}
* **When:** the morning
{{% end %}}

{{% details(summary="Background {n}") %}}
Earlier rounds of item {n} ended without an agreement.
{{% end %}}

{{% quote(by="A delegate", role="observer") %}}
We expect item {n} to move forward.
{{% end %}}

{{{{ embed(url="https://social.example/@desk/{n}", author="@desk", text="Item {n} is on the agenda.") }}}}
"""

PLAIN = """> Talks on item {n} will *resume* next week, said the speaker.
>
> — Speaker {n}

### Item {n}

* **Where:** the hall of item {n}
* **When:** the morning

**Background {n}.** Earlier rounds of item {n} ended without an agreement.

> We expect item {n} to move forward.
>
> — A delegate, observer

[@desk](https://social.example/@desk/{n}): Item {n} is on the agenda.
"""


def story(i, block):
    parts = [f"+++\ntitle = \"Story {i}\"\ndate = 2026-01-01T{i % 24:02d}:{i % 60:02d}:00\n+++\n",
             f"The opening paragraph of story {i}, with a few words in it.\n"]
    for n in range(4):
        parts.append(block.format(n=f"{i}.{n}"))
    return "\n".join(parts)


def make(root, stories, block):
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "content", "en", "news"))
    with open(os.path.join(root, "site.toml"), "w") as f:
        f.write(SITE)
    for i in range(stories):
        with open(os.path.join(root, "content", "en", "news", f"s{i}.md"), "w") as f:
            f.write(story(i, block))


def build(binary, root, out):
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ, BULLETIN_PROFILE="1")
    proc = subprocess.run([binary, "build", "--output", out], cwd=root, env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(proc.stderr[-2000:])
    render = wall = None
    for line in proc.stderr.splitlines():
        m = re.match(r"\[profile\]\s+([\d.]+) s\s+\+([\d.]+) s\s+\+([\d.]+) s CPU.*files rendered", line)
        if m:
            render = float(m.group(3))
    m = re.search(r"in ([\d.]+) s", proc.stdout)
    wall = float(m.group(1)) if m else None
    return render, wall


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--stories", type=int, default=1000)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--work", default=os.path.expanduser("~/.cache/bulletin-bench-shortcodes"))
    a = p.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    binary = os.path.join(REPO, "target", "release", "bulletin")
    sites = {"shortcodes": WITH, "plain Markdown": PLAIN}
    for name, block in sites.items():
        make(os.path.join(a.work, name.replace(" ", "-")), a.stories, block)
    calls = WITH.count("{{%") // 2 + WITH.count("{{{{")
    tmp = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
    results = {name: ([], []) for name in sites}
    for _ in range(a.runs):
        for name in sites:
            root = os.path.join(a.work, name.replace(" ", "-"))
            render, wall = build(binary, root, os.path.join(tmp, "bench-shortcodes-out"))
            results[name][0].append(render)
            results[name][1].append(wall)
    print(f"\n{a.stories} stories, {calls * 4} shortcodes each in one site; medians of {a.runs} runs\n")
    print(f"{'site':>16} {'render CPU s':>13} {'build wall s':>13}")
    for name, (renders, walls) in results.items():
        print(f"{name:>16} {statistics.median(renders):13.3f} {statistics.median(walls):13.3f}")
    r = statistics.median(results["shortcodes"][0]) / statistics.median(results["plain Markdown"][0])
    w = statistics.median(results["shortcodes"][1]) / statistics.median(results["plain Markdown"][1])
    print(f"\nshortcodes / plain: render {r:.2f}x, build {w:.2f}x (budget: 2x)")


if __name__ == "__main__":
    main()
