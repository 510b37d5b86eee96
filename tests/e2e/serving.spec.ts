import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { brotliDecompressSync } from "node:zlib";
import { expect, test } from "@playwright/test";

/** Raw bytes and headers, undecoded, as they cross the wire. */
function getRaw(url: string, acceptEncoding: string): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { "accept-encoding": acceptEncoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on("error", reject);
  });
}

test("static scripts go out brotli-compressed to browsers that take it, and decode to the built file", async ({ request, baseURL }) => {
  const html = await (await request.get("/sign-up")).text();
  const scripts = [...html.matchAll(/<script[^>]*\ssrc="(\/_next\/static\/[^"]+\.js)"/g)].map((m) => m[1]!);
  expect(scripts.length).toBeGreaterThan(0);
  for (const src of scripts) {
    const built = readFileSync(path.join(".next/static", src.slice("/_next/static/".length)));
    const brotli = await getRaw(`${baseURL}${src}`, "gzip, deflate, br, zstd");
    expect(brotli.headers["content-encoding"]).toBe("br");
    expect(brotli.headers["cache-control"]).toContain("immutable");
    expect(brotli.headers["x-content-type-options"]).toBe("nosniff");
    expect(brotliDecompressSync(brotli.body).equals(built)).toBe(true);

    const gzipOnly = await getRaw(`${baseURL}${src}`, "gzip");
    expect(gzipOnly.headers["content-encoding"]).not.toBe("br");
  }
});

test("a path outside the build's static folder is never served as a static file", async ({ baseURL }) => {
  const escape = await getRaw(`${baseURL}/_next/static/..%2f..%2fpackage.json`, "br");
  expect(escape.headers["content-encoding"]).not.toBe("br");
  expect(escape.body.toString()).not.toContain('"dependencies"');
});

test("the sign-in page is plain HTML: no script file, the site's stylesheet, focus on what was wrong", async ({ page, request }) => {
  const sheets = (html: string) => [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]);
  const signIn = await (await request.get("/sign-in")).text();
  const signUp = await (await request.get("/sign-up")).text();
  // Only the "Show password" box's few lines, inline under the request's nonce.
  expect(signIn).not.toMatch(/<script[^>]*\ssrc=/);
  expect(signIn.match(/<script nonce="[^"]+">/g)).toHaveLength(1);
  expect(signIn.match(/<script/g)).toHaveLength(1);
  expect(sheets(signIn).length).toBeGreaterThan(0);
  expect(sheets(signIn)).toEqual(sheets(signUp));

  await page.goto("/sign-in");
  // Styled like every other page: the form's card is a bordered box, not the browser's defaults.
  expect(await page.locator(".card").evaluate((card) => getComputedStyle(card).borderTopStyle)).not.toBe("none");
  await page.getByLabel("Email address").fill("not-an-email");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Enter your email address" })).toBeVisible();
  await expect(page.getByLabel("Email address")).toBeFocused();
  await expect(page.getByLabel("Email address")).toHaveValue("not-an-email");

  await page.getByLabel("Email address").fill("nobody-here@example.test");
  await page.getByLabel("Password", { exact: true }).fill("not the right password");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.locator(".alert")).toContainText("don't match an account");
  await expect(page.locator(".alert")).toBeFocused();
  await expect(page.getByLabel("Password", { exact: true })).toHaveValue("");
});
