#!/usr/bin/env python3
"""A synthetic multilingual bulletin for benchmarks, in bulletin's layout or Hugo's.

Three languages (English, Persian, Russian), ARTICLES stories in each, every
story translated into the other two. Stories are 400-900 words of Markdown
(paragraphs, a subheading, emphasis, now and then a list or a code block)
with a `<!-- more -->` summary break, one to four tags from about 200 per
language, a section (news, features, statements) and a date within ten
years with a UTC offset. The same seed gives the same site.

    python3 bench/gen.py --layout bulletin --articles 1000 --out /tmp/b1k
    python3 bench/gen.py --layout hugo --articles 1000 --out /tmp/h1k

bench/run.py uses this generator unless it is given another with --gen.
"""

import argparse
import datetime
import os
import random

SECTIONS = ["news", "features", "statements"]

# Per language: words for text, section names, the site title.
LANGS = {
    "en": {
        "name": "English", "dir": "ltr", "title": "Cultural Bulletin",
        "sections": {"news": "News", "features": "Features", "statements": "Statements"},
        "words": ("culture exchange festival museum library poetry music film theatre painting "
                  "delegation ambassador embassy dialogue heritage language translation university "
                  "students scholars concert exhibition manuscript archive calligraphy carpet "
                  "Tehran Moscow Isfahan Kazan Shiraz Tabriz opened hosted announced signed visited "
                  "discussed joint new ancient modern national regional international week year "
                  "the a of and in with for on at by from between during after").split(),
    },
    "fa": {
        "name": "فارسی", "dir": "rtl", "title": "خبرنامه فرهنگی",
        "sections": {"news": "اخبار", "features": "گزارش‌ها", "statements": "بیانیه‌ها"},
        "words": ("فرهنگ تبادل جشنواره موزه کتابخانه شعر موسیقی فیلم تئاتر نقاشی هیئت سفیر "
                  "سفارت گفت‌وگو میراث زبان ترجمه دانشگاه دانشجویان پژوهشگران کنسرت نمایشگاه "
                  "نسخه بایگانی خوشنویسی فرش تهران مسکو اصفهان کازان شیراز تبریز گشایش میزبانی "
                  "اعلام امضا بازدید گفتگو مشترک نو کهن ملی منطقه‌ای بین‌المللی هفته سال "
                  "و در با برای از به تا میان پس").split(),
    },
    "ru": {
        "name": "Русский", "dir": "ltr", "title": "Культурный бюллетень",
        "sections": {"news": "Новости", "features": "Очерки", "statements": "Заявления"},
        "words": ("культура обмен фестиваль музей библиотека поэзия музыка кино театр живопись "
                  "делегация посол посольство диалог наследие язык перевод университет студенты "
                  "учёные концерт выставка рукопись архив каллиграфия ковёр Тегеран Москва "
                  "Исфахан Казань Шираз Тебриз открыл принял объявил подписал посетил обсудил "
                  "совместный новый древний современный национальный неделя год "
                  "и в с для на по от между после").split(),
    },
}

OFFSETS = ["+00:00", "+03:00", "+03:30", "+04:30", "-05:00", "+01:00"]


def sentence(rng, words, n):
    text = " ".join(rng.choice(words) for _ in range(n))
    return text[0].upper() + text[1:] + "."


def paragraph(rng, words):
    return " ".join(sentence(rng, words, rng.randint(6, 16)) for _ in range(rng.randint(3, 7)))


def body(rng, words, target):
    parts, count = [], 0
    parts.append(paragraph(rng, words))
    parts.append("<!-- more -->")
    while count < target:
        kind = rng.random()
        if kind < 0.12:
            parts.append("## " + " ".join(rng.choice(words) for _ in range(3)).capitalize())
        elif kind < 0.18:
            parts.append("\n".join(f"- {sentence(rng, words, rng.randint(3, 8))}" for _ in range(rng.randint(2, 5))))
        elif kind < 0.20:
            parts.append("```python\nfor visit in range(3):\n    print(\"visit\", visit)\n```")
        else:
            p = paragraph(rng, words)
            w = p.split()
            i = rng.randrange(len(w))
            w[i] = f"*{w[i]}*"
            parts.append(" ".join(w))
        count = sum(len(p.split()) for p in parts)
    return "\n\n".join(parts) + "\n"


def tags_of(rng, words):
    tags = set()
    while len(tags) < 200:
        tags.add(f"{rng.choice(words)} {rng.choice(words)}")
    return sorted(tags)


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layout", choices=["bulletin", "hugo"], required=True)
    ap.add_argument("--articles", type=int, required=True, help="stories per language")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    out = args.out
    os.makedirs(os.path.join(out, "content"), exist_ok=True)
    rng = random.Random(args.seed)
    tags = {code: tags_of(random.Random(f"{args.seed}-{code}"), lang["words"]) for code, lang in LANGS.items()}
    start = datetime.datetime(2016, 1, 1)
    for n in range(args.articles):
        key = f"story-{n:05d}"
        section = rng.choice(SECTIONS)
        when = start + datetime.timedelta(minutes=rng.randrange(10 * 365 * 24 * 60))
        offset = rng.choice(OFFSETS)
        target = rng.randint(400, 900)
        tag_picks = rng.sample(range(200), rng.randint(1, 4))
        for code, lang in LANGS.items():
            words = lang["words"]
            title = " ".join(rng.choice(words) for _ in range(rng.randint(4, 8))).capitalize()
            front = [
                f"title = {toml_str(title)}",
                f"date = {when.strftime('%Y-%m-%dT%H:%M:%S')}{offset}",
                "tags = [" + ", ".join(toml_str(tags[code][t]) for t in tag_picks) + "]",
            ]
            if args.layout == "bulletin":
                front.append(f"translation_key = {toml_str(key)}")
            else:
                front.append(f"translationKey = {toml_str(key)}")
            folder = os.path.join(out, "content", code, section)
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, f"{key}.md"), "w", encoding="utf-8") as f:
                f.write("+++\n" + "\n".join(front) + "\n+++\n\n" + body(rng, words, target))
    for code, lang in LANGS.items():
        for section, name in lang["sections"].items():
            with open(os.path.join(out, "content", code, section, "_index.md"), "w", encoding="utf-8") as f:
                f.write(f"+++\ntitle = {toml_str(name)}\n+++\n")
    if args.layout == "bulletin":
        write_bulletin_config(out)
    else:
        write_hugo_site(out)


def write_bulletin_config(out):
    lines = [
        'title = "Cultural Bulletin"',
        'base_url = "https://bulletin.example.org"',
        'default_language = "en"',
        "paginate_by = 10",
        'taxonomies = ["tags"]',
    ]
    for code, lang in LANGS.items():
        lines += ["", f"[languages.{code}]", f"name = {toml_str(lang['name'])}",
                  f"direction = \"{lang['dir']}\"", f"title = {toml_str(lang['title'])}"]
    with open(os.path.join(out, "site.toml"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


# Hugo templates doing a comparable job: pages with tags and translations,
# paginated lists of summaries, term pages and RSS.
HUGO_LAYOUTS = {
    "baseof.html": """<!DOCTYPE html>
<html lang="{{ site.Language.Lang }}" dir="{{ site.Language.Direction | default "ltr" }}">
<head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title>
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">
{{ end }}</head>
<body><header><a href="{{ "" | absLangURL }}">{{ site.Title }}</a>
{{ range site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date | time.Format ":date_long" }}</time>
{{ .Content }}
<ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
<p>{{ range .Translations }}<a href="{{ .RelPermalink }}" lang="{{ .Language.Lang }}">{{ .Title }}</a> {{ end }}</p>
</article>{{ end }}
""",
    "list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ $pages := .RegularPages }}{{ if .IsHome }}{{ $pages = site.RegularPages }}{{ end }}
{{ $p := .Paginate $pages }}
{{ range $p.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<time>{{ .Date | time.Format ":date_long" }}</time>{{ .Summary }}</article>{{ end }}
{{ with $p.Prev }}<a rel="prev" href="{{ .URL }}">←</a>{{ end }} {{ $p.PageNumber }} / {{ $p.TotalPages }}
{{ with $p.Next }}<a rel="next" href="{{ .URL }}">→</a>{{ end }}{{ end }}
""",
    "taxonomy.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}
""",
}


def write_hugo_site(out):
    lines = [
        'baseURL = "https://bulletin.example.org/"',
        'title = "Cultural Bulletin"',
        'defaultContentLanguage = "en"',
        "buildFuture = true",
        "enableRobotsTXT = true",
        "[pagination]", "pagerSize = 10",
        "[taxonomies]", 'tag = "tags"',
        "[outputs]",
        'home = ["html", "rss"]', 'section = ["html", "rss"]', 'taxonomy = ["html"]',
        'term = ["html", "rss"]', 'page = ["html"]',
        "[languages]",
    ]
    for weight, (code, lang) in enumerate(LANGS.items(), 1):
        lines += [f"[languages.{code}]", f"label = {toml_str(lang['name'])}",
                  f"direction = \"{lang['dir']}\"", f"title = {toml_str(lang['title'])}",
                  f"weight = {weight}", f'contentDir = "content/{code}"']
    with open(os.path.join(out, "hugo.toml"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    layouts = os.path.join(out, "layouts")
    os.makedirs(layouts, exist_ok=True)
    for name, text in HUGO_LAYOUTS.items():
        with open(os.path.join(layouts, name), "w", encoding="utf-8") as f:
            f.write(text)
    with open(os.path.join(layouts, "term.html"), "w", encoding="utf-8") as f:
        f.write(HUGO_LAYOUTS["list.html"])


if __name__ == "__main__":
    main()
