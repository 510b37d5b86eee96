import "server-only";
import type { MessageKey } from "@/lib/messages";
import type { SecondFactor } from "../types";
import { removeTokenAssignment, tokenOf, verifyHotpForUser } from "./tokens";

const failures: Record<"wrong" | "used" | "press-again", MessageKey> = {
  wrong: "keyfobWrong",
  used: "keyfobUsed",
  "press-again": "keyfobPressAgain",
};

/** A keyfob (OATH HOTP) the clinic handed out: lib/factors/hotp/tokens.ts. */
export const hotpFactor: SecondFactor = {
  kind: "hotp",
  method: "keyfob",
  async describe(userId) {
    const token = await tokenOf(userId);
    if (!token) return null;
    return { kind: "hotp", label: `Keyfob ${token.serial}`, state: token.state === "active" ? "in use" : "waiting for its first code", firstUse: token.state === "assigned" };
  },
  async check(userId, code, ip) {
    const result = await verifyHotpForUser(userId, code, new Date(), ip);
    if (result.ok) return result;
    if (result.reason === "not-assigned") return { ok: false, notHeld: true };
    return { ok: false, message: failures[result.reason], plainWrong: result.reason === "wrong" };
  },
  remove: (userId) => [removeTokenAssignment(userId)],
};
