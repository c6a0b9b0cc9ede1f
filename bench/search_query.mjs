// The first query of a built bulletin's search page, in headless Chromium:
// what it downloads (the worker's requests included) and how long after
// the last index file arrives the results are on screen.
//
//   node bench/search_query.mjs OUTPUT_DIR /fa/search/ "کتابخانه تهران"
//
// Serves OUTPUT_DIR on 127.0.0.1 itself; needs tests/e2e's packages
// (npm ci --prefix tests/e2e) and Debian's chromium.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { chromium } from "../tests/e2e/node_modules/playwright-core/index.mjs";

const [root, path, query] = process.argv.slice(2);
const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".json": "application/json" };
const server = createServer(async (req, res) => {
  let file = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
  if (file.endsWith("/")) file += "index.html";
  try {
    const body = await readFile(join(root, file));
    res.writeHead(200, { "content-type": types[extname(file)] || "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end();
  }
}).listen(0, "127.0.0.1");
await new Promise((r) => server.once("listening", r));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox"] });
const runs = [];
for (let run = 0; run < 5; run++) {
  const context = await browser.newContext();
  // Each file with when it arrived: what the first results needed is
  // what arrived before they were shown (the filters load after them).
  const files = [];
  context.on("requestfinished", async (request) => {
    const url = request.url();
    if (!url.includes("/pagefind/") && !url.includes("/search.")) return;
    const at = Date.now();
    const response = await request.response();
    const size = (await response.body().catch(() => Buffer.alloc(0))).length;
    files.push({ url: url.replace(base, ""), at, size, index: /\.pf_(index|fragment|filter|meta)$|\.pagefind$/.test(url) });
  });
  const page = await context.newPage();
  await page.goto(`${base}${encodeURI(path)}?q=${encodeURIComponent(query)}`, { waitUntil: "load" });
  await page.waitForFunction(() => window.bulletinSearch, null, { timeout: 30000 });
  await page.waitForTimeout(500);
  const shown = await page.evaluate(() => window.bulletinSearch);
  const before = files.filter((f) => f.at <= shown.shownAt);
  if (process.env.VERBOSE && run === 0) for (const f of before) console.log(f.size, f.url);
  const last = Math.max(...before.filter((f) => f.index).map((f) => f.at));
  runs.push({ bytes: before.reduce((n, f) => n + f.size, 0), after: shown.shownAt - last, results: shown.results });
  await context.close();
}
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`${path} «${query}»: ${runs[0].results} results; first query ${median(runs.map((r) => r.bytes))} bytes,` +
  ` results ${median(runs.map((r) => r.after))} ms after the last index file (medians of ${runs.length})`);
await browser.close();
server.close();
