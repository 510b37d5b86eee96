import "server-only";
import { getConfig } from "./config";

type Style = "date" | "date-time";

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(style: Style): Intl.DateTimeFormat {
  const timeZone = getConfig().clinic.timeZone;
  const key = `${style}|${timeZone}`;
  let format = formats.get(key);
  if (!format) {
    format =
      style === "date"
        ? new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone })
        : new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone, timeZoneName: "short" });
    formats.set(key, format);
  }
  return format;
}

/**
 * "1 Dec 2026, 14:05 GMT": the clinic's local time, with the zone named so nobody has to guess.
 * en-GB names European zones (BST, CET) but writes "GMT-6" for American ones, which en-US calls CST.
 */
export function clinicDateTime(date: Date): string {
  const text = formatFor("date-time").format(date);
  const offsetName = / GMT[+-][\d:]+$/.exec(text);
  if (!offsetName) return text;
  const zone = new Intl.DateTimeFormat("en-US", { timeZone: getConfig().clinic.timeZone, timeZoneName: "short" })
    .formatToParts(date)
    .find((part) => part.type === "timeZoneName")?.value;
  return zone && !zone.startsWith("GMT") ? `${text.slice(0, offsetName.index)} ${zone}` : text;
}

/** "1 December 2026" in the clinic's time zone. */
export function clinicDate(date: Date): string {
  return formatFor("date").format(date);
}

/** The zone's name for page text, such as "Europe/London". */
export function clinicTimeZone(): string {
  return getConfig().clinic.timeZone;
}

/** Event details may carry an ISO timestamp ("until 2026-12-01T10:00:00.000Z"): shown in clinic time. */
export function clinicTimesIn(text: string): string {
  return text.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g, (iso) => {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : clinicDateTime(date);
  });
}
