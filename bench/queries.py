#!/usr/bin/env python3
"""Query-function benchmark: a home template that calls get_section twice
against the same site without those calls.

Generates a bulletin with bench/gen.py (3 languages x --articles stories),
then builds it clean (output on tmpfs when /dev/shm exists), in turns,
--runs times: once with the built-in templates, once with a site
`templates/index.html` whose intro lists the five latest stories of two
sections through `get_section`. Every home page of every language renders
those calls; the answers are made once per build. The budget: within 10 %.

    python3 bench/queries.py --articles 10000 --runs 5
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

HOME = """{% extends "list.html" %}
{% block heading %}{{ t(key="latest") }}{% endblock heading %}
{% block intro %}
{% set news = get_section(path=lang ~ "/news/_index.md") %}
{% set features = get_section(path=lang ~ "/features/_index.md") %}
<div class="rails">
<section><h2>{{ news.title }}</h2><ul>{% for p in news.pages %}{% if loop.index > 5 %}{% break %}{% endif %}<li><a href="{{ p.url }}">{{ p.title }}</a></li>{% endfor %}</ul></section>
<section><h2>{{ features.title }}</h2><ul>{% for p in features.pages %}{% if loop.index > 5 %}{% break %}{% endif %}<li><a href="{{ p.url }}">{{ p.title }}</a></li>{% endfor %}</ul></section>
</div>
{% endblock intro %}
"""


def build(binary, site, out):
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([binary, "build", "--root", site, "--output", out],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=10000, help="stories per language")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--binary", default=os.path.join(REPO, "target", "release", "bulletin"))
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="bulletin-queries-")
    scratch = tempfile.mkdtemp(prefix="bulletin-queries-out-",
                               dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    plain, queries = os.path.join(work, "plain"), os.path.join(work, "queries")
    subprocess.run(["python3", os.path.join(HERE, "gen.py"), "--layout", "bulletin",
                    "--articles", str(args.articles), "--out", plain], check=True)
    shutil.copytree(plain, queries)
    os.makedirs(os.path.join(queries, "templates"), exist_ok=True)
    with open(os.path.join(queries, "templates", "index.html"), "w") as f:
        f.write(HOME)
    # The calls render: the home shows the rails.
    out = os.path.join(scratch, "check")
    build(args.binary, queries, out)
    with open(os.path.join(out, "index.html")) as f:
        home = f.read()
    assert 'class="rails"' in home and home.count("<li><a") >= 10, home[:2000]
    times = {"plain": [], "queries": []}
    for _ in range(args.runs):
        for name, site in (("plain", plain), ("queries", queries)):
            times[name].append(build(args.binary, site, os.path.join(scratch, name)))
    p, q = statistics.median(times["plain"]), statistics.median(times["queries"])
    print(f"3 x {args.articles} stories, {args.runs} clean builds each (medians):")
    print(f"  without get_section: {p:.2f} s")
    print(f"  home calls get_section twice: {q:.2f} s  ({(q / p - 1) * 100:+.1f} %, budget +10 %)")
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
