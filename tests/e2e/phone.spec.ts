import { expect, test } from "@playwright/test";
import { decodeQr, readSetupKey, signUp, uniqueEmail } from "./helpers";

test.use({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true, colorScheme: "dark" });

test("on a small phone in dark mode the enrollment page fits, the QR stays dark-on-light and scans", async ({ page }) => {
  await signUp(page, uniqueEmail("phone"));
  await expect(page).toHaveURL(/\/enroll$/);

  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe("rgb(255, 255, 255)");
  expect(await page.locator(".qr").evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(255, 255, 255)");

  const uri = decodeQr(await page.locator(".qr img").screenshot());
  expect(new URL(uri).searchParams.get("secret")).toBe(await readSetupKey(page));

  const openInApp = page.getByRole("link", { name: "Open in authenticator app" });
  await expect(openInApp).toBeVisible();
  await expect(openInApp).toHaveAttribute("href", uri);

  const code = page.getByLabel("6-digit code");
  await expect(code).toHaveAttribute("inputmode", "numeric");
  await expect(code).toHaveAttribute("autocomplete", "one-time-code");
});
