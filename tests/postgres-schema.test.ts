import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { derivePostgresSchema } from "../scripts/derive-pg-schema.mjs";
import { pendingPostgresMigration } from "../scripts/pg-migration";

describe("the PostgreSQL schema follows the SQLite one", () => {
  it("has a PostgreSQL migration for every change to prisma/schema.prisma", () => {
    // A schema change with no twin would leave PostgreSQL installs without its tables or columns.
    expect(pendingPostgresMigration()?.name ?? null).toBeNull();
  });

  it("differs from the source schema only in provider, url and client output", () => {
    const source = readFileSync("prisma/schema.prisma", "utf8");
    const derived = derivePostgresSchema(source);
    const strip = (text: string) => text.split("\n").filter((line) => !/^\s*(provider|url|output)\s*=|^\/\/ Derived/.test(line));
    expect(strip(derived)).toEqual(strip(source));
    expect(derived).toMatch(/provider = "postgresql"/);
  });
});
