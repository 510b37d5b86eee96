import { randomInt } from "node:crypto";

/** A UK mobile number no other test uses, as typed, in E.164, and its last two digits. */
export function uniqueMobile(): { typed: string; e164: string; last: string } {
  const rest = String(randomInt(0, 1_000_000)).padStart(6, "0");
  // 7400–7449: every number in it is a mobile in the numbering plan (parts of 7457 are the Isle of Man's).
  const prefix = String(7400 + randomInt(0, 50));
  return { typed: `0${prefix} ${rest}`, e164: `+44${prefix}${rest}`, last: rest.slice(-2) };
}
