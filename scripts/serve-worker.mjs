// One server process of scripts/serve.ts: Next.js's documented custom server, which checks each
// request's shape and sets the security headers first (lib/request-guard.mjs), plus brotli for the
// build's static files (scripts/precompress.mjs wrote a .br beside each one) and a locked
// account's repeated code posts (lib/refusal-memo.mjs).
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import next from "next";
import { replayRefusal } from "../lib/refusal-memo.mjs";
import { contentSecurityPolicy, refusalPage, refuseRequest, SECURITY_HEADERS, STRICT_TRANSPORT_SECURITY } from "../lib/request-guard.mjs";

const { port, hostname, dev = false } = JSON.parse(process.env.SERVE_OPTIONS ?? "{}");
const STATIC_PREFIX = "/_next/static/";
const staticDir = path.resolve(".next/static");
const TYPES = { ".js": "application/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".json": "application/json", ".txt": "text/plain; charset=utf-8" };

/** Brotli files by URL path; null once a path is known to have none. Build output never changes while running. */
const brotliFiles = new Map();

function brotliFor(urlPath) {
  if (brotliFiles.has(urlPath)) return brotliFiles.get(urlPath);
  let found = null;
  try {
    const file = path.resolve(staticDir, decodeURIComponent(urlPath.slice(STATIC_PREFIX.length)));
    const type = TYPES[path.extname(file)];
    if (type && file.startsWith(staticDir + path.sep) && existsSync(`${file}.br`) && statSync(`${file}.br`).isFile()) {
      found = { body: readFileSync(`${file}.br`), type };
    }
  } catch {
    found = null;
  }
  if (brotliFiles.size < 10_000) brotliFiles.set(urlPath, found);
  return found;
}

/** Serves a precompressed static file when the browser takes brotli; false leaves it to Next.js. */
function serveBrotli(req, res) {
  if ((req.method !== "GET" && req.method !== "HEAD") || !req.url?.startsWith(STATIC_PREFIX)) return false;
  if (!/\bbr\b/.test(String(req.headers["accept-encoding"] ?? ""))) return false;
  const urlPath = req.url.split("?")[0];
  const file = brotliFor(urlPath);
  if (!file) return false;
  res.writeHead(200, {
    "Content-Type": file.type,
    "Content-Encoding": "br",
    "Content-Length": file.body.length,
    // Build files carry a content hash in their name: the same URL never changes.
    "Cache-Control": "public, max-age=31536000, immutable",
    Vary: "Accept-Encoding",
    "X-Content-Type-Options": "nosniff",
  });
  res.end(req.method === "HEAD" ? undefined : file.body);
  return true;
}

/** Refuses a malformed or foreign POST with a page of its own; otherwise adds the security headers. */
function guard(req, res) {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  const refusal = refuseRequest(req.method, (req.url ?? "/").split("?")[0], req.headers);
  if (refusal) {
    res.writeHead(refusal.status, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", Connection: "close" });
    res.end(refusalPage(refusal.text));
    return false;
  }
  const policy = contentSecurityPolicy(dev);
  req.headers["content-security-policy"] = policy;
  res.setHeader("Content-Security-Policy", policy);
  if (!dev) res.setHeader("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY);
  return true;
}

const app = next({ dev, dir: process.cwd(), hostname, port });
const handle = app.getRequestHandler();
await app.prepare();
createServer((req, res) => {
  if (serveBrotli(req, res) || !guard(req, res) || replayRefusal(req, res)) return;
  void handle(req, res);
}).listen(port, hostname);
