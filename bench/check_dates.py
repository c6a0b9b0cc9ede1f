#!/usr/bin/env python3
"""bulletin's Persian dates against outside references: Python's zoneinfo
(with the tzdata package) and jdatetime.

Writes a Persian bulletin of N stories dated at random instants (1925-2035,
many on the boundaries that matter: Nowruz, the turn of a Persian month,
Tehran midnight, the years of local mean time and of daylight saving), half
as TOML front matter in UTC or a random offset, half as wire copy with a
dateline in a random zone. Builds it and, for every story, checks that

- `<time datetime>` names the same instant (to the second),
- the date shown is the instant's day in Tehran, in the Solar Hijri
  calendar, with Persian month names and digits (jdatetime + zoneinfo),
- the story is filed under that Persian year and month (/fa/YYYY/MM/).

Needs `pip install jdatetime tzdata` (not needed by the build or its tests):

    python3 bench/check_dates.py --stories 3000
"""

import argparse
import datetime as dt
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import jdatetime

HERE = Path(__file__).resolve().parent
TEHRAN = ZoneInfo("Asia/Tehran")
ZONES = ["Asia/Tehran", "Europe/London", "America/New_York", "Asia/Tokyo", "Europe/Moscow",
         "Asia/Kabul", "America/St_Johns", "Africa/Monrovia", "Pacific/Kiritimati", "UTC"]
DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")
MONTHS = {name: n + 1 for n, name in enumerate(jdatetime.date.j_months_fa)}
MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def instants(n, rng):
    """Random instants, a third of them within a day of a Persian month's start."""
    out = []
    for _ in range(n):
        if rng.random() < 0.35:
            year = rng.randint(1305, 1414)
            month = rng.randint(1, 12)
            start = jdatetime.datetime(year, month, 1).togregorian().replace(tzinfo=TEHRAN)
            t = start + dt.timedelta(seconds=rng.randint(-86400, 86400))
        else:
            t = dt.datetime(1925, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(
                seconds=rng.randint(0, 110 * 365 * 86400))
        out.append(t.astimezone(dt.timezone.utc).replace(microsecond=0))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stories", type=int, default=3000)
    ap.add_argument("--bin", default=str(HERE.parent / "target/release/bulletin"))
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    site = Path(tempfile.mkdtemp(prefix="bulletin-dates-"))
    (site / "site.toml").write_text(
        'title = "T"\nbase_url = "https://example.org"\ntimezone = "Asia/Tehran"\n'
        'paginate_by = 100000\n'
        '[languages.en]\nname = "English"\n[languages.fa]\nname = "فارسی"\n')
    news = site / "content/fa/news"
    news.mkdir(parents=True)
    expected = {}
    for n, t in enumerate(instants(args.stories, rng)):
        slug = f"s{n}"
        if n % 2:
            zone = ZoneInfo(rng.choice(ZONES))
            local = t.astimezone(zone)
            # A dateline has minutes only: the instant is the minute.
            local = local.replace(second=0)
            t = local.astimezone(dt.timezone.utc)
            line = f"{MON[local.month - 1]} {local.day:02}, {local.year} {local:%H:%M} {zone.key}"
            (news / f"{slug}.txt").write_text(f"{line}\n  • {slug}\n\nمتن.\n")
        else:
            offset = rng.choice([0, 0, 12600, 16200, -18000, 19800, 50400, -43200])
            local = t.astimezone(dt.timezone(dt.timedelta(seconds=offset)))
            (news / f"{slug}.md").write_text(
                f'+++\ntitle = "خبر {n}"\ndate = {local.isoformat()}\nslug = "{slug}"\n+++\nمتن.\n')
        expected[slug] = t
    subprocess.run([args.bin, "build", "--root", str(site)], check=True, stdout=subprocess.DEVNULL)

    filed = {}
    for page in (site / "public/fa").glob("[0-9]*/[0-9]*/index.html"):
        y, m = int(page.parent.parent.name), int(page.parent.name)
        for slug in re.findall(r'href="/fa/news/(s\d+)/"', page.read_text()):
            filed[slug] = (y, m)
    wrong = {"instant": [], "date shown": [], "archive": []}
    for slug, t in expected.items():
        html = (site / f"public/fa/news/{slug}/index.html").read_text()
        m = re.search(r'<time datetime="([^"]+)">([^<]+)</time>', html)
        stamp = dt.datetime.fromisoformat(m.group(1).replace("Z", "+00:00"))
        if stamp != t:
            wrong["instant"].append((slug, m.group(1), t.isoformat()))
        day = t.astimezone(TEHRAN).date()
        j = jdatetime.date.fromgregorian(date=day)
        d, month, y = m.group(2).split()
        shown = (int(y.translate(DIGITS)), MONTHS.get(month), int(d.translate(DIGITS)))
        if shown != (j.year, j.month, j.day):
            wrong["date shown"].append((slug, m.group(2), f"{j.year}-{j.month}-{j.day}", t.isoformat()))
        if filed.get(slug) != (j.year, j.month):
            wrong["archive"].append((slug, filed.get(slug), (j.year, j.month), t.isoformat()))
    print(f"{len(expected)} stories ({len(expected) // 2} wire datelines in {len(ZONES)} zones, "
          f"the rest front-matter instants), 1925-2035, checked against zoneinfo "
          f"(tzdata) + jdatetime {jdatetime.__VERSION__}")
    for what, cases in wrong.items():
        print(f"  {what}: {len(cases)} wrong" + (f", e.g. {cases[:2]}" if cases else ""))
    sys.exit(1 if any(wrong.values()) else 0)


if __name__ == "__main__":
    main()
