import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { searchAccounts, unlockAccount } from "@/lib/admin";
import { listAudit } from "@/lib/audit";
import { getDb } from "@/lib/db";
import { registerPatient } from "@/lib/users";

/** A patient with a name and an address unique to this test run. */
async function patient(local: string, name: string | null) {
  const tag = randomUUID().slice(0, 8);
  const result = await registerPatient({ email: `${local}.${tag}@clinic-${tag}.example`, password: "a long enough password", name });
  if (!result.ok) throw new Error("setup");
  return { ...result.user, tag };
}

const emails = async (q: string) => (await searchAccounts(q, null)).rows.map((r) => r.email);

describe("admin search", () => {
  it("finds a surname, any word of a name and any part of an email, whatever the case", async () => {
    const walter = await patient("walter.r.gray", "Walter R. Gray");
    const baker = await patient("mb1984", "Mary Baker");
    expect(await emails(`gray ${walter.tag}`)).toEqual([walter.email]);
    expect(await emails(`Baker ${baker.tag}`)).toEqual([baker.email]);
    expect(await emails(`MARY ${baker.tag}`)).toEqual([baker.email]);
    // Middle of an email, and the domain.
    expect(await emails(`b1984.${baker.tag}`)).toEqual([baker.email]);
    expect(await emails(`clinic-${walter.tag}.example`)).toEqual([walter.email]);
    // A control character (a NUL from a hand-made URL) separates words like a space.
    expect(await emails(`gray\u0000${walter.tag}`)).toEqual([walter.email]);
    // Every word must match.
    expect(await emails(`gray ${baker.tag}`)).toEqual([]);
  });

  it("ignores accents and finds short words as the start of an email or name", async () => {
    const zoe = await patient("zoe.oneil", "Zoë O'Neil");
    expect(await emails(`zoe ${zoe.tag}`)).toEqual([zoe.email]);
    expect(await emails(`zoë ${zoe.tag}`)).toEqual([zoe.email]);
    // A two-letter word alongside a longer one is checked on the row itself.
    expect(await emails(`o' ${zoe.tag}`)).toEqual([zoe.email]);
    expect((await searchAccounts("zo", null)).rows.every((r) => r.email.startsWith("zo") || r.name?.toLowerCase().startsWith("zo"))).toBe(true);
  });

  it("follows a change of name or email, and forgets a deleted account", async () => {
    const p = await patient("renamed", "Old Surname");
    await getDb().user.update({ where: { id: p.id }, data: { name: "Ivy Newsurname", nameSearch: "ivy newsurname" } });
    expect(await emails(`newsurname ${p.tag}`)).toEqual([p.email]);
    expect(await emails(`old surname ${p.tag}`)).toEqual([]);
    await getDb().user.update({ where: { id: p.id }, data: { email: `moved.${p.tag}@elsewhere.example` } });
    expect(await emails(`moved.${p.tag}`)).toEqual([`moved.${p.tag}@elsewhere.example`]);
    expect(await emails(`clinic-${p.tag}`)).toEqual([]);
    await getDb().user.delete({ where: { id: p.id } });
    expect(await emails(p.tag)).toEqual([]);
  });

  it("pages through a common word in email order, the same whether the index or the email walk answers", async () => {
    const tag = randomUUID().slice(0, 6);
    const made = [];
    for (let i = 0; i < 30; i++) made.push((await patient(`pager${tag}.${String(i).padStart(2, "0")}`, `Page ${tag}`)).email);
    made.sort();
    const first = await searchAccounts(`pager${tag}`, null);
    expect(first.rows.map((r) => r.email)).toEqual(made.slice(0, 25));
    const second = await searchAccounts(`pager${tag}`, first.next);
    expect(second.rows.map((r) => r.email)).toEqual(made.slice(25));
    expect(second.next).toBeNull();
    // A word in every address (thousands of matches would take the email walk) pages the same way.
    const all = await searchAccounts(".example", null);
    expect(all.rows).toHaveLength(25);
    expect([...all.rows.map((r) => r.email)].sort()).toEqual(all.rows.map((r) => r.email));
  });

  it("treats quotes and FTS syntax in a query as plain text", async () => {
    for (const q of ['"', 'a" OR "b', "NEAR(x y)", "*", "AND", "x".repeat(300), "-- ;", "ab\u0000", "\u0000", "abc\u0000def\u0007"]) {
      await expect(searchAccounts(q, null)).resolves.toHaveProperty("rows");
    }
  });

  it("filters the audit log by any part of an admin's or a patient's email", async () => {
    const p = await patient("audited.person", "Audited Person");
    const actor = { id: null, email: `desk.${p.tag}@clinic.example`, via: "cli" as const, ip: null };
    await unlockAccount(actor, p.id);
    expect((await listAudit({ patient: `person.${p.tag}` })).map((e) => e.targetEmail)).toEqual([p.email]);
    expect((await listAudit({ admin: `desk.${p.tag}` })).map((e) => e.targetEmail)).toEqual([p.email]);
    expect(await listAudit({ patient: `nobody.${p.tag}` })).toEqual([]);
  });
});
