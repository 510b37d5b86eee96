import "server-only";
import { getDb } from "@/lib/db";
import type { MessageKey } from "@/lib/messages";
import type { SecondFactor } from "../types";
import { checkPhoneCode } from "./codes";
import { signInPhoneOf } from "./phones";

const failures: Record<"wrong" | "used" | "expired", MessageKey> = {
  wrong: "phoneCodeWrong",
  used: "phoneCodeUsed",
  expired: "phoneCodeExpired",
};

/** Codes by text message or phone call to a confirmed number (NIST's "restricted" kind: the app is safer). */
export const phoneFactor: SecondFactor = {
  kind: "phone",
  method: "phone",
  async describe(userId) {
    const phone = await signInPhoneOf(userId);
    return phone ? { kind: "phone", label: `Phone ending ${phone.last} (text or call)`, state: "in use", firstUse: false } : null;
  },
  async check(userId, code, context) {
    if (!(await signInPhoneOf(userId))) return { ok: false, notHeld: true };
    if (code.length !== 6 || !context?.challengeId) return { ok: false, message: "phoneCodeWrong", plainWrong: true };
    const result = await checkPhoneCode(userId, context.challengeId, code);
    if (result.ok) return result;
    return { ok: false, message: failures[result.reason], plainWrong: result.reason === "wrong" };
  },
  remove: (userId) => [getDb().phoneNumber.deleteMany({ where: { userId } }), getDb().phoneCode.deleteMany({ where: { userId } })],
};
