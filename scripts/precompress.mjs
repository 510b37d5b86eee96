// After `next build`: a brotli copy (quality 11, done once here rather than per request) beside
// each static script, stylesheet and SVG, for scripts/serve-worker.mjs to send to browsers that
// accept it. Files that brotli does not make smaller are left alone.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { brotliCompressSync, constants } from "node:zlib";

const root = path.resolve(".next/static");
let files = 0;
let before = 0;
let after = 0;
for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !/\.(js|css|svg|json|txt)$/.test(entry.name)) continue;
  const file = path.join(entry.parentPath, entry.name);
  const raw = readFileSync(file);
  const compressed = brotliCompressSync(raw, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
  });
  if (compressed.length >= raw.length) continue;
  writeFileSync(`${file}.br`, compressed);
  files++;
  before += raw.length;
  after += compressed.length;
}
console.log(`Brotli: ${files} static files, ${(before / 1000).toFixed(0)} kB → ${(after / 1000).toFixed(0)} kB.`);
