// search_transfer.mjs OUT QUERY [PREFIX]: the bytes a buyer's first search transfers.
// The driver of search.sh's transfer step (see there). Node 20+ run with --experimental-websocket
// (its built-in WebSocket), nothing installed.
//
// Serves OUT as a static host does (gzip for text files when the browser asks, Pagefind's own
// files as written: they are gzip already), opens PREFIX/search/?q=QUERY in headless Chromium over
// DevTools with the cache off, waits for the result cards, and sums the bytes the server sent
// (bodies as sent, gzip where it applies, plus headers) for every request after the page itself,
// by kind: search (pagefind/ and search.js), thumbnails, and the rest (style sheet, logo). Counted
// at the server, since Pagefind fetches its index from a worker, whose requests the page's
// DevTools Network events do not show.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { gzipSync } from "node:zlib";

const [out, query, prefix = "/"] = process.argv.slice(2);
const TEXT = new Set([".html", ".css", ".js", ".json", ".svg", ".xml", ".txt"]);
const TYPES = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".json": "application/json", ".webp": "image/webp", ".jpg": "image/jpeg", ".png": "image/png",
  ".avif": "image/avif", ".svg": "image/svg+xml" };

const served = [];
const server = createServer((req, res) => {
  let path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  if (!path.startsWith(prefix)) { res.writeHead(404).end(); return; }
  path = normalize(path.slice(prefix.length));
  if (path.startsWith("..")) { res.writeHead(404).end(); return; }
  let file = join(out, path);
  try { if (statSync(file).isDirectory()) file = join(file, "index.html"); } catch { }
  let body;
  try { body = readFileSync(file); } catch { res.writeHead(404).end(); return; }
  const headers = { "Content-Type": TYPES[extname(file)] || "application/octet-stream" };
  if (TEXT.has(extname(file)) && /gzip/.test(req.headers["accept-encoding"] || "")) {
    body = gzipSync(body, { level: 6 });
    headers["Content-Encoding"] = "gzip";
  }
  headers["Content-Length"] = body.length;
  res.writeHead(200, headers).end(body);
  const head = Object.entries(headers).reduce((n, [k, v]) => n + k.length + String(v).length + 4, 17);
  served.push([req.url, body.length + head]);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}${prefix}`;

const profile = mkdtempSync(join(tmpdir(), "search-bench-"));
const chrome = spawn(process.env.CHROMIUM || "chromium", ["--headless", "--no-sandbox", "--disable-gpu",
  "--disable-background-networking", "--no-first-run", "--remote-debugging-port=0",
  `--user-data-dir=${profile}`, "--window-size=390,844", "about:blank"], { stdio: ["ignore", "ignore", "pipe"] });
const browserWs = await new Promise((resolve, reject) => {
  let err = "";
  chrome.stderr.on("data", (d) => {
    err += d;
    const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
    if (m) resolve(m[1]);
  });
  setTimeout(() => reject(new Error("Chromium did not start")), 30000);
});
const port = new URL(browserWs).port;
const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
const ws = new WebSocket(targets.find((t) => t.type === "page").webSocketDebuggerUrl);
await new Promise((r) => ws.addEventListener("open", r));
let next = 0;
const waiting = new Map();
ws.addEventListener("message", (e) => {
  const m = JSON.parse(e.data);
  if (m.id && waiting.has(m.id)) { waiting.get(m.id)(m.result); waiting.delete(m.id); return; }
});
const call = (method, params = {}) => new Promise((r) => {
  const id = ++next;
  waiting.set(id, r);
  ws.send(JSON.stringify({ id, method, params }));
});
await call("Network.enable");
await call("Network.setCacheDisabled", { cacheDisabled: true });
const page = `${base}search/?q=${encodeURIComponent(query)}`;
await call("Page.navigate", { url: page });
const started = Date.now();
let cards = 0;
while (Date.now() - started < 60000) {
  const r = await call("Runtime.evaluate", { expression: "document.querySelectorAll('#search-results .card').length", returnByValue: true });
  cards = r.result.value;
  if (cards > 0) break;
  await new Promise((r) => setTimeout(r, 100));
}
// Let the visible thumbnails finish.
await new Promise((r) => setTimeout(r, 1500));
const kinds = { page: 0, search: 0, thumbnails: 0, other: 0 };
const files = [];
const first = served.findIndex(([url]) => url.startsWith(`${prefix}search/?`));
for (const [url, bytes] of served.slice(first)) {
  const path = new URL(url, "http://x").pathname;
  let kind = "other";
  if (url.startsWith(`${prefix}search/?`)) kind = "page";
  else if (path.includes("/pagefind/") || path.endsWith("/search.js")) kind = "search";
  else if (/\.(webp|avif|jpe?g|png)$/.test(path) && !path.includes("/brand/")) kind = "thumbnails";
  kinds[kind] += bytes;
  files.push(`${kind.padEnd(10)} ${String(bytes).padStart(8)}  ${path}`);
}
console.log(files.join("\n"));
console.log(`cards shown: ${cards}`);
console.log(JSON.stringify(kinds));
ws.close();
const exited = new Promise((r) => chrome.on("exit", r));
chrome.kill();
await exited;
server.close();
rmSync(profile, { recursive: true, force: true });
process.exit(cards > 0 ? 0 : 1);
