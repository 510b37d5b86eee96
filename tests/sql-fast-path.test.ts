import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Prisma } from "@/generated/prisma/client";
import { dialect, getDb } from "@/lib/db";
import { executeSql, queryRows } from "@/lib/sql";
import { newPatient } from "./support/users";

// The fast path sends hot-path statements to the client's own driver adapter, skipping Prisma's
// request path: what it writes and reads must be what $queryRaw / the model API write and read.
describe("the raw SQL fast path", () => {
  it("round-trips text, null, integers, a count, a boolean and dates as $queryRaw did", async () => {
    const key = `fast:${randomUUID()}`;
    const at = new Date("2026-12-01T10:20:30.456Z");
    const inserted = await executeSql(Prisma.sql`
      INSERT INTO "RateLimit" ("key", "count", "windowStart", "lockedUntil", "lockouts", "version", "updatedAt")
      VALUES (${key}, ${7}, ${at}, ${null}, ${2}, ${0}, ${at})`);
    expect(inserted).toBe(1);

    const [row] = await queryRows<{ key: string; count: number; windowStart: Date; lockedUntil: Date | null; lockouts: number; total: number; locked: boolean }>(Prisma.sql`
      SELECT "key", "count", "windowStart", "lockedUntil", "lockouts",
        (SELECT count(*) FROM "RateLimit" WHERE "key" = ${key}) AS "total",
        ("lockedUntil" IS NOT NULL) AS "locked"
      FROM "RateLimit" WHERE "key" = ${key}`);
    expect(row).toMatchObject({ key, count: 7, lockedUntil: null, lockouts: 2, total: 1 });
    expect(row!.windowStart).toBeInstanceOf(Date);
    expect(row!.windowStart.toISOString()).toBe(at.toISOString());
    // SQLite has no boolean type: its comparisons come back as 0 or 1, as they did through $queryRaw.
    expect(Boolean(row!.locked)).toBe(false);

    // Parameters of every kind come back exactly as through $queryRaw, 64-bit integers as numbers.
    const probe = Prisma.sql`SELECT ${BigInt(2) ** BigInt(40)} AS "big", ${true} AS "yes", ${"it's"} AS "text", ${null} AS "nothing",
      ${2.5} AS "half", ${at} AS "at", "count", "windowStart", (SELECT count(*) FROM "RateLimit" WHERE "key" = ${key}) AS "total"
      FROM "RateLimit" WHERE "key" = ${key}`;
    const numbers = (record: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(record).map(([name, value]) => [name, typeof value === "bigint" ? Number(value) : value]));
    const [fast] = await queryRows<Record<string, unknown>>(probe);
    const [prisma] = await getDb().$queryRaw<Record<string, unknown>[]>(probe);
    expect(fast).toEqual(numbers(prisma!));
    expect(Number(fast!.big)).toBe(2 ** 40);
    expect(fast!.total).toBe(1);

    // The model API reads what the fast path wrote.
    const model = await getDb().rateLimit.findUniqueOrThrow({ where: { key } });
    expect(model.windowStart.toISOString()).toBe(at.toISOString());
    expect(model.count).toBe(7);
  });

  it("stores dates exactly as the model API and $queryRaw do, so they compare as text", async () => {
    const at = new Date("2026-12-01T08:00:00.001Z");
    const viaModel = `model:${randomUUID()}`;
    const viaRaw = `raw:${randomUUID()}`;
    const viaFast = `fast:${randomUUID()}`;
    await getDb().rateLimit.create({ data: { key: viaModel, windowStart: at, lockedUntil: at, updatedAt: at } });
    const row = (key: string) => Prisma.sql`
      INSERT INTO "RateLimit" ("key", "count", "windowStart", "lockedUntil", "lockouts", "version", "updatedAt")
      VALUES (${key}, 0, ${at}, ${at}, 0, 0, ${at})`;
    await getDb().$executeRaw(row(viaRaw));
    await executeSql(row(viaFast));

    const stored = await getDb().$queryRaw<{ key: string; text: string }[]>`
      SELECT "key", CAST("lockedUntil" AS TEXT) AS "text" FROM "RateLimit" WHERE "key" IN (${viaModel}, ${viaRaw}, ${viaFast})`;
    expect(new Set(stored.map((r) => r.text)).size).toBe(1);

    // Equal, earlier and later: a comparison with a fast-path parameter finds the model-written row.
    const equal = await queryRows<{ key: string }>(Prisma.sql`SELECT "key" FROM "RateLimit" WHERE "key" = ${viaModel} AND "lockedUntil" = ${at}`);
    const earlier = await queryRows<{ key: string }>(Prisma.sql`SELECT "key" FROM "RateLimit" WHERE "key" = ${viaModel} AND "lockedUntil" > ${new Date(at.getTime() - 1)}`);
    const later = await queryRows<{ key: string }>(Prisma.sql`SELECT "key" FROM "RateLimit" WHERE "key" = ${viaModel} AND "lockedUntil" > ${new Date(at.getTime() + 1)}`);
    expect([equal.length, earlier.length, later.length]).toEqual([1, 1, 0]);
  });

  it("refuses a duplicate with the error callers catch (P2002), changing nothing", async () => {
    const user = await newPatient();
    const insert = (email: string) => Prisma.sql`
      INSERT INTO "User" ("id", "email", "role", "passwordHash", "createdAt", "updatedAt")
      VALUES (${randomUUID()}, ${email}, 'patient', 'x', ${new Date()}, ${new Date()})`;
    const error = await executeSql(insert(user.email)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((error as Prisma.PrismaClientKnownRequestError).code).toBe("P2002");
    expect(String((error as Error).message)).not.toContain(user.email);
    expect(await getDb().user.count({ where: { email: user.email } })).toBe(1);
  });

  it("runs on the client's own connection: a statement waits for nothing while a transaction is open", async () => {
    const key = `tx:${randomUUID()}`;
    const db = getDb();
    // A second SQLite connection would block the process on the transaction's write lock here.
    await db.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO "RateLimit" ("key", "count", "windowStart", "lockouts", "version", "updatedAt") VALUES (${key}, 1, ${new Date()}, 0, 0, ${new Date()})`;
      if (dialect() === "sqlite") {
        const seen = await queryRows<{ key: string }>(Prisma.sql`SELECT "key" FROM "RateLimit" WHERE "key" = ${key}`);
        expect(seen).toHaveLength(1);
      }
    });
    expect(await queryRows(Prisma.sql`SELECT "key" FROM "RateLimit" WHERE "key" = ${key}`)).toHaveLength(1);
  });
});
