import "server-only";
import { readFileSync } from "node:fs";
import path from "node:path";
import { getConfig } from "./config";

/** Markup that is already safe: built by `html`, never from a string someone typed. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Part = Html | string | number | null | undefined | false | readonly Part[];

/** The site's description, as app/layout.tsx gives it to Next.js. */
export const SITE_DESCRIPTION = "Sign in to the clinic's patient portal.";

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return "";
  if (part instanceof Html) return part.text;
  if (Array.isArray(part)) return part.map(render).join("");
  return escapeHtml(String(part));
}

/** A template whose every interpolated value is escaped unless it is itself `html`. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  return new Html(strings.reduce((out, text, i) => out + text + (i < values.length ? render(values[i]) : ""), ""));
}

/**
 * The stylesheets Next.js built for the root layout (app/globals.css), as its pages link them.
 * Read once from the build's client manifest of the root page; a page rendered here looks the
 * same as the React pages and shares their cached stylesheet.
 */
let stylesheets: string[] | null = null;
function rootStylesheets(): string[] {
  if (stylesheets) return stylesheets;
  const manifest = readFileSync(path.join(process.cwd(), ".next/server/app/page_client-reference-manifest.js"), "utf8");
  const entry = /"\[project\]\/app\/layout":(\[[^\]]*\])/.exec(manifest)?.[1];
  const files = entry ? (JSON.parse(entry) as { path: string }[]).map((file) => `/_next/${file.path}`) : [];
  if (files.length === 0) throw new Error("The build lists no stylesheet for the root layout: run `npm run build`.");
  stylesheets = files;
  return files;
}

/** The stylesheet part of the head: in development (no build to link to) the source itself, inline. */
function styles(nonce: string | null): Html {
  if (process.env.NODE_ENV === "production") return html`${rootStylesheets().map((href) => html`<link rel="stylesheet" href="${href}">`)}`;
  const source = readFileSync(path.join(process.cwd(), "app/globals.css"), "utf8");
  return html`<style nonce="${nonce ?? ""}">${new Html(source.replace(/<\//g, "<\\/"))}</style>`;
}

/**
 * A whole page without React: the same document app/layout.tsx renders for a signed-out visitor
 * (head, site header, main), and no script file: at most one small inline script of the page's
 * own (a constant, never built from input), run under the request's nonce. For the busiest
 * signed-out page, /sign-in, a React page costs 4-6 ms of server CPU and 114 kB of framework
 * scripts before its own code.
 */
export function plainDocument({ title, main, nonce = null, script }: { title: string; main: Html; nonce?: string | null; script?: string }): string {
  const issuer = getConfig().issuer;
  return html`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${styles(
    nonce,
  )}<meta name="color-scheme" content="light dark"><title>${title} · ${issuer}</title><meta name="description" content="${SITE_DESCRIPTION}"><meta name="referrer" content="same-origin"><link rel="icon" href="/icon.svg" sizes="any" type="image/svg+xml"></head><body><header class="site-header"><a href="/" class="site-name">${issuer}</a></header><main class="page">${main}</main>${
    script ? html`<script${nonce ? html` nonce="${nonce}"` : ""}>${new Html(script.replace(/<\//g, "<\\/"))}</script>` : ""
  }</body></html>`.text;
}

/** An HTML answer; pages here depend on who asks, so none is stored by a cache. */
export function htmlResponse(body: string, status = 200): Response {
  return new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store, max-age=0" } });
}
