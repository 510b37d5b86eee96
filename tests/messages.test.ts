import { describe, expect, it } from "vitest";
import { fromUrl, isMessageKey, messages, minutesText, renderMessage, SENT } from "@/lib/messages";

describe("messages a patient can see", () => {
  it("never show a template placeholder, with or without a value", () => {
    for (const key of Object.keys(messages)) {
      for (const encoded of [key, `${key}:5`, `${key}:-3`, `${key}:GB`, `${key}:{issuer}`]) {
        expect(renderMessage(encoded).text, encoded).not.toMatch(/[{}]/);
      }
    }
  });

  it("read an unknown or malformed key as the general message", () => {
    expect(isMessageKey("__proto__")).toBe(false);
    expect(renderMessage("__proto__").text).toBe(messages.somethingWrong);
    expect(renderMessage(null).text).toBe(messages.somethingWrong);
  });

  it("say a wait in minutes, then hours, and never longer than a day whatever a URL claims", () => {
    expect(minutesText(0.2)).toBe("1 minute");
    expect(minutesText(14.1)).toBe("15 minutes");
    expect(minutesText(60)).toBe("1 hour");
    expect(minutesText(75)).toBe("1 hour 15 minutes");
    expect(minutesText(240)).toBe("4 hours");
    expect(renderMessage("locked:525600").text).toContain("try again in 24 hours.");
    expect(renderMessage("tooManyAttempts:-5").text).toContain("1 minute");
    expect(renderMessage("phoneResendWait:99999999").text).toContain("in 30 seconds");
    expect(renderMessage("phoneResendWait:12").text).toContain("in 12 seconds");
  });

  it("from a URL, only those the page itself sends there", () => {
    expect(fromUrl("phoneCodeSent:42", SENT)).toBe("phoneCodeSent:42");
    expect(fromUrl("phoneRemovedDone", SENT)).toBeUndefined();
    expect(fromUrl("__proto__", SENT)).toBeUndefined();
    expect(fromUrl(["phoneCodeSent", "phoneCodeSent"], SENT)).toBeUndefined();
    expect(fromUrl(undefined, SENT)).toBeUndefined();
  });
});
