import { expect, test, type Page } from "@playwright/test";

const PAGES = ["/sign-in", "/sign-up"] as const;

/** The field's type at the moment its form is sent (the post itself is held back). */
function typeWhenSent(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const field = document.getElementById("field-password") as HTMLInputElement;
        field.form!.addEventListener("submit", (event) => {
          event.preventDefault();
          resolve(field.type);
        });
        field.form!.requestSubmit();
      }),
  );
}

test("'Show password' shows what was typed, and the field is a password field again when its form is sent or the page is left", async ({ page }) => {
  for (const path of PAGES) {
    await page.goto(path);
    const field = page.getByLabel("Password", { exact: true });
    const box = page.getByLabel("Show password");
    await field.fill("blue kettle on the hill");
    await expect(field).toHaveAttribute("type", "password");
    await box.check();
    await expect(field).toHaveAttribute("type", "text");
    await expect(field).toHaveValue("blue kettle on the hill");
    await box.uncheck();
    await expect(field).toHaveAttribute("type", "password");
    // Leaving the page (a link, a reload, the back-forward cache) hides it again too.
    await box.check();
    await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent("pagehide")));
    await expect(field).toHaveAttribute("type", "password");
    await expect(box).not.toBeChecked();
    await box.check();
    expect(await typeWhenSent(page), path).toBe("password");
    await expect(box).not.toBeChecked();
  }
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("there is no 'Show password' box, since it could not work", async ({ page }) => {
    for (const path of PAGES) {
      await page.goto(path);
      await expect(page.getByLabel("Password", { exact: true })).toBeVisible();
      await expect(page.getByLabel("Show password")).toBeHidden();
    }
  });
});
