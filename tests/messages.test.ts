import { describe, expect, it } from "vitest";
import { isMessageKey, messages, renderMessage } from "@/lib/messages";

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
});
