// The search page: folds the query as bulletin folded the index (see
// src/search/fold.rs, step by step), asks Pagefind's index of this page's
// language, and lists the results with their section, date and excerpt.
const form = document.querySelector(".search-form");
const input = form.querySelector("#search-q");
const status = document.querySelector(".search-status");
const list = document.querySelector(".search-results");
const filterBox = form.querySelector(".search-filters");
const selects = [...form.querySelectorAll("select")];
const digits = [...form.dataset.digits];
const PAGE = 10;

const LETTERS = { "ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "ё": "е", "Ё": "Е" };
const PREFIXES = ["می", "نمی"];
const SUFFIXES = ["ها", "های", "هایی", "هایم", "تر", "ترین"];
const arabic = (c) => c !== undefined && c >= "\u0620" && c <= "\u06d3";

function fold(text) {
  let s = text.normalize("NFKC");
  s = s.replace(/[\u0640\u200d\u200e\u200f\u061c\u064b-\u065f\u0670\u06d6-\u06ed]/g, "");
  s = s.replace(/[يىكةۀёЁ]/g, (c) => LETTERS[c]);
  s = s.replace(/[0-9]/g, (c) => digits[c.charCodeAt(0) - 48]);
  s = s.replace(/[۰-۹]/g, (c) => digits[c.charCodeAt(0) - 0x6f0]);
  s = s.replace(/[٠-٩]/g, (c) => digits[c.charCodeAt(0) - 0x660]);
  if (!s.includes(" ") || !/[\u0600-\u06ff]/.test(s)) return s;
  const words = s.split(" ");
  let out = words[0];
  for (let n = 1; n < words.length; n++) {
    const previous = words[n - 1], word = words[n];
    const bare = word.replace(/[.،؛؟!:,»)]+$/, "");
    const joins = (PREFIXES.includes(previous) && arabic(word[0])) ||
      (SUFFIXES.includes(bare) && arabic(previous[previous.length - 1]));
    out += (joins ? "\u200c" : " ") + word;
  }
  return out;
}

const say = (text) => { status.textContent = text; };
const number = (n) => String(n).replace(/[0-9]/g, (c) => digits[c.charCodeAt(0) - 48]);

let pagefind;
async function engine() {
  if (!pagefind) {
    pagefind = await import(form.dataset.bundle);
    await pagefind.options({ excerptLength: 24 });
  }
  return pagefind;
}

// The filters' values, loaded after the first results rather than before:
// on a large bulletin they weigh as much as the first query itself.
let filtersLoaded;
function loadFilters() {
  filtersLoaded ??= (async () => {
    const filters = await (await engine()).filters();
    for (const select of selects) {
      const values = Object.keys(filters[select.name] || {}).sort((a, b) => b.localeCompare(a, document.documentElement.lang));
      if (select.name !== "year") values.reverse();
      for (const v of values) select.add(new Option(v, v));
      const wanted = new URLSearchParams(location.search).get(select.name);
      if (wanted) select.value = wanted;
    }
    filterBox.hidden = false;
  })();
  return filtersLoaded;
}

function item(data) {
  const li = document.createElement("li");
  const h = document.createElement("h2");
  const a = document.createElement("a");
  a.href = data.url;
  a.textContent = data.meta.title;
  h.append(a);
  const meta = document.createElement("p");
  meta.className = "meta";
  if (data.meta.section) meta.append(data.meta.section);
  if (data.meta.section && data.meta.date) meta.append(" — ");
  if (data.meta.date) {
    const time = document.createElement("time");
    if (data.meta.datetime) time.dateTime = data.meta.datetime;
    time.textContent = data.meta.date;
    meta.append(time);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "excerpt";
  // Pagefind's excerpt is the indexed text, escaped, with <mark>s.
  excerpt.innerHTML = data.excerpt;
  li.append(h, meta, excerpt);
  return li;
}

let asked = 0;
async function run() {
  const query = input.value.trim();
  const filters = {};
  for (const s of selects) if (s.value) filters[s.name] = s.value;
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const [k, v] of Object.entries(filters)) params.set(k, v);
  history.replaceState(null, "", params.size ? `?${params}` : location.pathname);
  const mine = ++asked;
  if (!query && !Object.keys(filters).length) {
    list.replaceChildren();
    say("");
    return;
  }
  say(form.dataset.loading);
  try {
    const started = performance.now();
    const pf = await engine();
    const search = await pf.search(query ? fold(query) : null, { filters });
    const shown = await Promise.all(search.results.slice(0, PAGE).map((r) => r.data()));
    if (mine !== asked) return;
    list.replaceChildren(...shown.map(item));
    more(search.results, PAGE);
    say(search.results.length
      ? form.dataset.count.replace("{count}", number(search.results.length))
      : form.dataset.none.replace("{query}", query));
    // For the browser tests: when the results were on screen.
    window.bulletinSearch = { took: performance.now() - started, shownAt: Date.now(), results: search.results.length };
    loadFilters();
  } catch (e) {
    console.error(e);
    say(form.dataset.failed);
  }
}

function more(results, from) {
  document.querySelector(".search-more")?.remove();
  if (results.length <= from) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "search-more";
  button.textContent = form.dataset.more || "…";
  button.addEventListener("click", async () => {
    const next = await Promise.all(results.slice(from, from + PAGE).map((r) => r.data()));
    const items = next.map(item);
    list.append(...items);
    items[0]?.querySelector("a")?.focus();
    more(results, from + PAGE);
  });
  list.after(button);
}

let timer;
input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 200); });
for (const s of selects) s.addEventListener("change", run);
form.addEventListener("submit", (e) => { e.preventDefault(); clearTimeout(timer); run(); });

const params = new URLSearchParams(location.search);
input.value = params.get("q") || "";
if (selects.some((s) => params.get(s.name))) loadFilters().then(run, () => say(form.dataset.failed));
else if (input.value) run();
else loadFilters().catch(() => say(form.dataset.failed));
