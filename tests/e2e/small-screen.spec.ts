import { expect, test, type Page } from "@playwright/test";
import { enrolledAdmin, enrolledPatient, queryDb, signInWithPassword, signOut, signUp, uniqueEmail } from "./helpers";

test.use({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true });

/** How far the page scrolls sideways (0 when it fits). */
async function sidewaysScroll(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** Elements that stick out of their card sideways (lists in their own scrolling box excepted). */
async function stickingOut(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll(".card")].flatMap((card) => {
      const box = card.getBoundingClientRect();
      return [...card.querySelectorAll("*")]
        .filter((el) => !el.parentElement?.closest(".table-scroll"))
        .filter((el) => {
          const r = el.getBoundingClientRect();
          return r.width > 1 && (r.right > box.right + 0.5 || r.left < box.left - 0.5);
        })
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
    }),
  );
}

async function expectFits(page: Page, path: string) {
  await page.goto(path);
  expect(await sidewaysScroll(page), path).toBeLessThanOrEqual(0);
  expect(await stickingOut(page), path).toEqual([]);
}

test("at 320 px no patient page scrolls sideways", async ({ page }) => {
  for (const path of ["/sign-in", "/sign-up", "/no-such-page"]) await expectFits(page, path);
  // A long address with nowhere a browser would break it on its own.
  const longEmail = uniqueEmail("margaret.elizabeth.jones.smallphone");
  await signUp(page, longEmail);
  await expect(page).toHaveURL(/\/enroll$/);
  expect(await sidewaysScroll(page), "/enroll").toBeLessThanOrEqual(0);
  expect(await stickingOut(page), "/enroll").toEqual([]);
  await signOut(page);
  const patient = await enrolledPatient(page, uniqueEmail("margaret.elizabeth.jones.smallphone"));
  for (const path of ["/home", "/account/activity", "/account/devices", "/account/recovery-codes", "/account/confirm", "/account/new-phone"]) {
    await expectFits(page, path);
  }
  // Recent activity stacks each event: what, when and from where are all on screen, none scrolled away.
  await page.goto("/account/activity");
  const cells = page.locator("table.activity tbody tr").first().locator("td");
  await expect(cells).toHaveCount(3);
  for (const cell of await cells.all()) {
    await expect(cell).toBeVisible();
    const box = (await cell.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(320);
  }
  const [what, when] = [(await cells.nth(0).boundingBox())!, (await cells.nth(1).boundingBox())!];
  expect(when.y).toBeGreaterThanOrEqual(what.y + what.height - 1);
  await signOut(page);
  expect(await sidewaysScroll(page)).toBeLessThanOrEqual(0);
  await signInWithPassword(page, patient.email);
  await expect(page).toHaveURL(/\/sign-in\/code$/);
  expect(await sidewaysScroll(page)).toBeLessThanOrEqual(0);
});

test("at 320 px admin pages fit, labels stack above values and every value is readable", async ({ page, browser }) => {
  await enrolledAdmin(page);
  const context = await browser.newContext();
  const patient = await enrolledPatient(await context.newPage(), uniqueEmail("walter.r.gray.longname"));
  await context.close();
  const [row] = queryDb<{ id: string }>(`SELECT id FROM "User" WHERE email = ?`, patient.email);

  for (const path of ["/admin", "/admin/audit", `/admin/patients/${row!.id}`, `/admin/patients/${row!.id}?reset=1`]) {
    await expectFits(page, path);
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  }

  // The patient's page: each value gets the card's full width, under its label.
  await page.goto(`/admin/patients/${row!.id}`);
  const email = page.getByTestId("patient-email");
  const box = (await email.boundingBox())!;
  const label = (await page.locator("dl.details dt").first().boundingBox())!;
  expect(box.y).toBeGreaterThan(label.y + label.height - 1);
  expect(box.width).toBeGreaterThan(240);
  // A long address takes at most two lines, not a column of fragments.
  const lineHeight = await email.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight));
  expect(box.height).toBeLessThan(lineHeight * 2.5);

  // Lists scroll inside their own box, and no column is squeezed.
  for (const path of [`/admin?q=${encodeURIComponent(patient.email)}`, "/admin/audit"]) {
    await page.goto(path);
    const cells = page.locator(".table-scroll td");
    const widths = await cells.evaluateAll((tds) => tds.map((td) => td.getBoundingClientRect().width));
    expect(widths.length, path).toBeGreaterThan(0);
    expect(Math.min(...widths), path).toBeGreaterThanOrEqual(60);
    // The last column (Locked, From) can be scrolled to inside the list's box.
    const scroller = page.locator(".table-scroll").first();
    await scroller.scrollIntoViewIfNeeded();
    await scroller.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    const last = (await page.locator(".table-scroll th").last().boundingBox())!;
    expect(last.x, path).toBeGreaterThanOrEqual(0);
    expect(last.x + last.width, path).toBeLessThanOrEqual(321);
  }
});
