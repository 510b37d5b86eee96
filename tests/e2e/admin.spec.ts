import { readFileSync } from "node:fs";
import { expect, test, type APIRequestContext, type Browser, type BrowserContext } from "@playwright/test";
import { codeAt, enrolledAdmin, enrolledPatient, enterCode, queryDb, readSetupKey, saveRecoveryCodes, signInWithPassword, signOut, uniqueEmail } from "./helpers";

test("an admin signs in with a code, finds a patient, resets them with a reason; the patient's open session ends and they re-enroll with a notice", async ({ page, browser }) => {
  const admin = await enrolledAdmin(page);
  await expect(page.getByRole("link", { name: "Admin dashboard" })).toBeVisible();

  const patientContext = await browser.newContext();
  const patientPage = await patientContext.newPage();
  const patient = await enrolledPatient(patientPage);

  await page.goto("/admin");
  await page.getByRole("searchbox").fill(patient.email.slice(0, 16).toUpperCase());
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: patient.email }).click();
  await expect(page.getByTestId("patient-enrollment")).toContainText("set up");

  // A reason and the admin's own current code are both required.
  await page.getByRole("button", { name: "Reset two-step sign-in" }).click();
  await expect(page.getByText("Give a reason")).toBeVisible();
  await page.getByLabel("Reason (the patient will see it)").fill("Lost phone; identity checked at the front desk");
  await page.getByLabel("6-digit code").fill(codeAt(admin.secret, admin.enrolledAt + 30));
  await page.getByRole("button", { name: "Reset two-step sign-in" }).click();
  await expect(page.getByText("Two-step sign-in was reset")).toBeVisible();
  await expect(page.getByTestId("patient-enrollment")).toHaveText("not set up");

  // The patient's already-open browser is signed out on its next request.
  await patientPage.goto("/home");
  await expect(patientPage).toHaveURL(/\/sign-in$/);

  // Their next sign-in goes straight to enrollment, with the notice.
  await signInWithPassword(patientPage, patient.email);
  await expect(patientPage).toHaveURL(/\/enroll$/);
  await expect(patientPage.getByTestId("reset-notice")).toContainText("Lost phone; identity checked at the front desk");
  const fresh = await readSetupKey(patientPage);
  expect(fresh).not.toBe(patient.secret);
  await enterCode(patientPage, codeAt(fresh), "Finish setup");
  await saveRecoveryCodes(patientPage);
  await patientPage.goto("/account/activity");
  await expect(patientPage.getByRole("cell", { name: "Two-step sign-in reset by the clinic" })).toBeVisible();
  await patientContext.close();

  await page.goto(`/admin/audit?patient=${encodeURIComponent(patient.email)}`);
  const entry = page.getByTestId("audit-log").getByRole("row").nth(1);
  await expect(entry).toContainText(admin.email);
  await expect(entry).toContainText("Reset two-step sign-in");
  await expect(entry).toContainText(patient.email);
  await expect(entry).toContainText("Lost phone; identity checked at the front desk");
  await expect(entry).toContainText("127.0.0.1 (web)");
  await expect(page.getByRole("button", { name: /delete|edit/i })).toHaveCount(0);
});

/** Server action ids, from the build's own manifest. */
function actionId(name: string): string {
  const manifest = JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8")) as {
    node: Record<string, { exportedName?: string; workers: Record<string, unknown> }>;
  };
  const found = Object.entries(manifest.node).find(([, entry]) => entry.exportedName === name && Object.keys(entry.workers).some((w) => w.startsWith("app/admin")));
  if (!found) throw new Error(`no server action ${name}`);
  return found[0];
}

/** Calls a server action the way React's client does: the arguments in field 0, the form's fields prefixed "_1_". */
async function callAction(request: APIRequestContext, path: string, name: string, withPrevState: boolean, fields: Record<string, string>) {
  // Field order matters: the arguments come last, after the fields they refer to.
  const multipart = new FormData();
  for (const [key, value] of Object.entries(fields)) multipart.append(`_1_${key}`, value);
  multipart.append("0", JSON.stringify(withPrevState ? [{}, "$K1"] : ["$K1"]));
  const response = await request.post(path, {
    headers: { "next-action": actionId(name), origin: `http://127.0.0.1:${process.env.E2E_PORT ?? 3100}`, accept: "text/x-component" },
    multipart,
    maxRedirects: 0,
  });
  return response.status();
}

test("every admin page and action refuses, on the server, everyone but a signed-in admin", async ({ browser, page }) => {
  const admin = await enrolledAdmin(page);
  const target = await newLockedPatient(browser);
  const adminState = await page.context().storageState();

  const identities: Record<string, () => Promise<BrowserContext>> = {
    anonymous: () => browser.newContext(),
    "between password and code": async () => {
      const context = await browser.newContext();
      const p = await context.newPage();
      await signInWithPassword(p, target.email);
      await expect(p).toHaveURL(/\/sign-in\/code$/);
      return context;
    },
    patient: async () => {
      const context = await browser.newContext();
      await enrolledPatient(await context.newPage());
      return context;
    },
    "admin whose session was ended": async () => {
      // A copy of a signed-in admin's cookies, kept after that admin signed out.
      const context = await browser.newContext();
      const p = await context.newPage();
      const second = await enrolledAdminSession(p, admin.email, admin.secret, admin.enrolledAt + 30);
      const stale = await context.storageState();
      await signOut(p);
      await context.close();
      void second;
      return browser.newContext({ storageState: stale });
    },
  };

  for (const [who, makeContext] of Object.entries(identities)) {
    const context = await makeContext();
    const p = await context.newPage();
    for (const path of ["/admin", "/admin/audit", `/admin/patients/${target.id}`]) {
      const response = await p.goto(path);
      const refused = /\/sign-in/.test(p.url()) || response?.status() === 404;
      expect(refused, `${who} at ${path}`).toBe(true);
      expect(await p.content(), `${who} at ${path}`).not.toContain(target.email);
    }
    await callAction(context.request, `/admin/patients/${target.id}`, "resetPatient", true, {
      patientId: target.id,
      reason: `attempt by ${who}`,
      code: admin.recoveryCodes[0]!,
    });
    await callAction(context.request, `/admin/patients/${target.id}`, "unlockPatient", false, { patientId: target.id });
    await context.close();

    const [row] = queryDb<{ enrolledAt: string | null }>(`SELECT enrolledAt FROM "User" WHERE id = ?`, target.id);
    expect(row?.enrolledAt, `${who} reset the patient`).not.toBeNull();
    const locks = queryDb<{ n: number }>(`SELECT COUNT(*) AS n FROM "RateLimit" WHERE key = ? AND lockedUntil IS NOT NULL`, `code:account:${target.id}`);
    expect(locks[0]?.n, `${who} unlocked the patient`).toBe(1);
    expect(queryDb(`SELECT id FROM "AuditEntry" WHERE targetId = ?`, target.id), who).toEqual([]);
  }

  // The same calls from the signed-in admin do work: the refusals above are real.
  const adminContext = await browser.newContext({ storageState: adminState });
  expect(await callAction(adminContext.request, `/admin/patients/${target.id}`, "unlockPatient", false, { patientId: target.id })).toBeLessThan(400);
  await callAction(adminContext.request, `/admin/patients/${target.id}`, "resetPatient", true, {
    patientId: target.id,
    reason: "positive control",
    code: admin.recoveryCodes[0]!,
  });
  await adminContext.close();
  const [after] = queryDb<{ enrolledAt: string | null }>(`SELECT enrolledAt FROM "User" WHERE id = ?`, target.id);
  expect(after?.enrolledAt).toBeNull();
  const actions = queryDb<{ action: string }>(`SELECT action FROM "AuditEntry" WHERE targetId = ? ORDER BY at`, target.id).map((r) => r.action);
  expect(actions).toEqual(["account-unlocked", "enrollment-reset"]);
});

/** An enrolled patient whose code step is locked (ten wrong codes). */
async function newLockedPatient(browser: Browser) {
  const context = await browser.newContext();
  const p = await context.newPage();
  const patient = await enrolledPatient(p, uniqueEmail("target"));
  await signOut(p);
  await signInWithPassword(p, patient.email);
  const near = Array.from({ length: 21 }, (_, i) => codeAt(patient.secret, Date.now() / 1000 + (i - 10) * 30));
  const wrong = ["000000", "111111", "222222", "333333"].find((c) => !near.includes(c))!;
  for (let i = 0; i < 10; i++) {
    await enterCode(p, wrong, "Sign in");
    await expect(p.getByLabel("6-digit code")).toHaveValue("");
  }
  await expect(p.getByRole("status").filter({ hasText: "sign-in is paused" })).toBeVisible();
  await context.close();
  const [row] = queryDb<{ id: string }>(`SELECT id FROM "User" WHERE email = ?`, patient.email);
  return { id: row!.id, email: patient.email };
}

async function enrolledAdminSession(p: import("@playwright/test").Page, email: string, secret: string, at: number) {
  await signInWithPassword(p, email);
  await enterCode(p, codeAt(secret, at), "Sign in");
  await expect(p).toHaveURL(/\/home$/);
}

test("a signed-in patient who finds the admin pages gets a plain not-found page", async ({ page }) => {
  await enrolledPatient(page, uniqueEmail("curious"));
  for (const path of ["/admin", "/admin/audit", "/admin/patients/anything"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(page.getByText("Audit log")).toHaveCount(0);
  }
});

test("the address recorded for a request is the connection's, whatever headers the client sends", async ({ page }) => {
  const email = uniqueEmail("spoof");
  await page.setExtraHTTPHeaders({ "x-forwarded-for": "6.6.6.6", "x-clinic-peer": "6.6.6.6", "x-real-ip": "6.6.6.6" });
  await enrolledPatient(page, email);
  const ips = queryDb<{ ip: string }>(`SELECT e.ip FROM "SecurityEvent" e JOIN "User" u ON u.id = e.userId WHERE u.email = ?`, email).map((r) => r.ip);
  expect(ips.length).toBeGreaterThan(0);
  expect(new Set(ips)).toEqual(new Set(["127.0.0.1"]));
});
