import { readFileSync } from "node:fs";
import { expect, test, type APIRequestContext, type Browser, type BrowserContext } from "@playwright/test";
import { codeAt, enrolledAdmin, enrolledPatient, enterCode, queryDb, readSetupKey, saveRecoveryCodes, signInWithPassword, signOut, uniqueEmail, wrongCode } from "./helpers";

test("an admin lands on the dashboard, finds a patient, confirms a reset naming them; the patient sees only the message, the audit log keeps the note", async ({ page, browser }) => {
  const admin = await enrolledAdmin(page);
  // Sign-in (here: finishing setup) lands an admin on the dashboard, marked as the current page.
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Patients" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();

  const patientContext = await browser.newContext();
  const patientPage = await patientContext.newPage();
  const patient = await enrolledPatient(patientPage, uniqueEmail("reset"));

  await page.getByRole("searchbox").fill(patient.email.slice(0, 16).toUpperCase());
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: patient.email }).click();
  await expect(page.getByTestId("patient-enrollment")).toContainText("set up");
  // The page opens at the top, on the patient's details, with nothing focused inside a form.
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("BODY");
  await expect(page.getByLabel("6-digit code")).toHaveCount(0);
  await expect(page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Patients" })).toHaveAttribute("aria-current", "page");

  // The danger button leads to a confirmation step that names the patient.
  await page.getByRole("link", { name: "Reset two-step sign-in…" }).click();
  await expect(page.getByRole("heading", { name: `Reset two-step sign-in for ${patient.email}?` })).toBeVisible();
  const message = page.getByLabel("Message to the patient");
  await expect(message).not.toHaveValue("");
  const confirm = page.getByRole("button", { name: `Yes, reset ${patient.email}` });
  await expect(confirm).toHaveClass(/danger/);

  // Without an internal note nothing happens: the error is announced, focus goes to the note, typed text stays.
  await message.fill("Reset at your request after you lost your phone.");
  await confirm.click();
  const status = page.getByRole("status").filter({ hasText: "internal note" });
  await expect(status).toBeVisible();
  await expect(page.getByLabel("Internal note (audit log only)")).toBeFocused();
  await expect(message).toHaveValue("Reset at your request after you lost your phone.");

  // A wrong code is refused and cleared; the note and message stay.
  await page.getByLabel("Internal note (audit log only)").fill("ID checked at reception desk by Ada");
  await page.getByLabel("6-digit code").fill("12345");
  await confirm.click();
  await expect(page.getByRole("status").filter({ hasText: "6-digit code" })).toBeVisible();
  await expect(page.getByLabel("6-digit code")).toBeFocused();
  await expect(page.getByLabel("6-digit code")).toHaveValue("");
  await expect(page.getByLabel("Internal note (audit log only)")).toHaveValue("ID checked at reception desk by Ada");
  await expect(page.getByLabel("6-digit code")).toHaveAttribute("aria-invalid", "true");
  expect(await page.locator("#field-code-hint").innerText()).toContain("St. Mary: Test Clinic");

  await page.getByLabel("6-digit code").fill(codeAt(admin.secret, admin.enrolledAt + 30));
  await confirm.click();
  await expect(page.getByText("Two-step sign-in was reset")).toBeVisible();
  await expect(page.getByTestId("patient-enrollment")).toHaveText("not set up");

  // The patient's already-open browser is signed out on its next request.
  await patientPage.goto("/home");
  await expect(patientPage).toHaveURL(/\/sign-in$/);

  // Their next sign-in goes straight to enrollment, with the message but never the internal note.
  await signInWithPassword(patientPage, patient.email);
  await expect(patientPage).toHaveURL(/\/enroll$/);
  await expect(patientPage.getByTestId("reset-notice")).toContainText("Reset at your request after you lost your phone.");
  expect(await patientPage.content()).not.toContain("reception desk");
  const fresh = await readSetupKey(patientPage);
  expect(fresh).not.toBe(patient.secret);
  await enterCode(patientPage, codeAt(fresh), "Finish setup");
  await saveRecoveryCodes(patientPage);
  await patientPage.goto("/account/activity");
  await expect(patientPage.getByRole("cell", { name: "Two-step sign-in reset by the clinic" })).toBeVisible();
  expect(await patientPage.content()).not.toContain("reception desk");
  await patientContext.close();

  await page.goto(`/admin/audit?patient=${encodeURIComponent(patient.email)}`);
  await expect(page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Audit log" })).toHaveAttribute("aria-current", "page");
  const entry = page.getByTestId("audit-log").getByRole("row").nth(1);
  await expect(entry).toContainText(admin.email);
  await expect(entry).toContainText("Reset two-step sign-in");
  await expect(entry).toContainText(patient.email);
  await expect(entry).toContainText("ID checked at reception desk by Ada");
  await expect(entry).toContainText("Told the patient: “Reset at your request after you lost your phone.”");
  await expect(entry).toContainText("127.0.0.1 (web)");
  await expect(page.getByRole("button", { name: /delete|edit/i })).toHaveCount(0);
});

test("a reset keeps the suggested message when the admin leaves it as it is", async ({ page, browser }) => {
  const admin = await enrolledAdmin(page);
  const patientContext = await browser.newContext();
  const patientPage = await patientContext.newPage();
  const patient = await enrolledPatient(patientPage, uniqueEmail("default-message"));
  const [row] = queryDb<{ id: string }>(`SELECT id FROM "User" WHERE email = ?`, patient.email);
  await page.goto(`/admin/patients/${row!.id}?reset=1`);
  await page.getByLabel("Internal note (audit log only)").fill("Patient phoned from the number on file");
  await page.getByLabel("6-digit code").fill(codeAt(admin.secret, admin.enrolledAt + 30));
  await page.getByRole("button", { name: `Yes, reset ${patient.email}` }).click();
  await expect(page.getByText("Two-step sign-in was reset")).toBeVisible();
  await signInWithPassword(patientPage, patient.email);
  await expect(patientPage.getByTestId("reset-notice")).toContainText("You asked the clinic to reset your sign-in");
  expect(await patientPage.content()).not.toContain("number on file");
  await patientContext.close();
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
  const wrong = wrongCode(patient.secret);
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
  await expect(p).toHaveURL(/\/admin$/);
}

test("a signed-in patient who finds the admin pages gets a plain not-found page", async ({ page }) => {
  await enrolledPatient(page, uniqueEmail("curious"));
  for (const path of ["/admin", "/admin/audit", "/admin/patients/anything"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(page).toHaveTitle(/^Page not found/);
    await expect(page.getByRole("link", { name: "Admin" })).toHaveCount(0);
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
