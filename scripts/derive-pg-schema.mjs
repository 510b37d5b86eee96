// prisma/schema.prisma is the one source schema. PostgreSQL gets a copy that differs only in its
// provider, its placeholder url and where its client is generated: a Prisma client is tied to one
// provider, so each database needs its own. Run by postinstall; the copy is not kept in git.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const source = readFileSync(path.join(root, "prisma", "schema.prisma"), "utf8");

export function derivePostgresSchema(text) {
  const replaced = [
    [/output\s*=\s*"\.\.\/generated\/prisma"/, 'output     = "../../generated/prisma-pg"'],
    [/provider\s*=\s*"sqlite"/, 'provider = "postgresql"'],
    // Never connected to: `prisma generate` only needs a url to skip downloading an engine.
    [/url\s*=\s*"file:[^"]*"/, 'url      = "postgresql://unused@localhost:5432/unused"'],
  ];
  let out = text;
  for (const [pattern, replacement] of replaced) {
    if (!pattern.test(out)) throw new Error(`prisma/schema.prisma no longer matches ${pattern}: update scripts/derive-pg-schema.mjs`);
    out = out.replace(pattern, replacement);
  }
  return `// Derived from prisma/schema.prisma by scripts/derive-pg-schema.mjs (npm install runs it): edit that file instead.\n${out}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const target = process.argv[2] ?? path.join(root, "prisma", "postgres", "schema.prisma");
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, derivePostgresSchema(source));
}
