import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { generate } from "otplib";
import { describe, expect, it } from "vitest";
import { buildKeyUri } from "@/lib/key-uri";
import { renderQrDataUrl } from "@/lib/qr";
import { checkCode, createTotpSecret } from "@/lib/totp";
import { oathtoolCode, pyotp } from "./support/otp";

const epochs = [0, 59, 1_111_111_109, 1_700_000_000, 2_000_000_000, Math.floor(Date.now() / 1000)];

describe("interop with independent implementations", () => {
  it("the app's secrets give the same codes in otplib, oathtool and pyotp", async () => {
    for (let i = 0; i < 10; i++) {
      const secret = createTotpSecret();
      const fromPyotp = pyotp("t = pyotp.TOTP(sys.argv[1])\nprint(' '.join(t.at(int(e)) for e in sys.argv[2:]))", secret, ...epochs.map(String));
      const fromOathtool = epochs.map((e) => oathtoolCode(secret, e));
      const fromOtplib = await Promise.all(epochs.map((epoch) => generate({ secret, epoch })));
      expect(fromOathtool).toEqual(fromPyotp.split(" "));
      expect(fromOtplib).toEqual(fromOathtool);
    }
  });

  it("accepts the code oathtool computes for a secret read back from the key URI", async () => {
    const secret = createTotpSecret();
    const uri = buildKeyUri({ issuer: "Clinic", account: "ann@example.org", secret });
    const fromUri = new URL(uri).searchParams.get("secret")!;
    const now = 1_750_000_000;
    expect((await checkCode(secret, oathtoolCode(fromUri, now), null, now)).ok).toBe(true);
  });

  it("renders a QR code that zbarimg decodes to exactly the URI", async () => {
    const uri = buildKeyUri({ issuer: "St. Mary: Clinic Ärzte", account: "zoë o'neil@example.org", secret: createTotpSecret() });
    const dataUrl = await renderQrDataUrl(uri);
    const svg = Buffer.from(dataUrl.replace(/^data:image\/svg\+xml;base64,/, ""), "base64").toString("utf8");
    expect(svg).toContain('fill="#ffffff"');

    const dir = mkdtempSync(path.join(tmpdir(), "qr-"));
    writeFileSync(path.join(dir, "qr.svg"), svg);
    execFileSync("rsvg-convert", ["-w", "400", "-h", "400", "-o", path.join(dir, "qr.png"), path.join(dir, "qr.svg")]);
    const decoded = execFileSync("zbarimg", ["-q", "--raw", path.join(dir, "qr.png")], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    expect(decoded.trim()).toBe(uri);
  });
});
