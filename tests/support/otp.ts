import { execFileSync } from "node:child_process";

/** Codes from oathtool (Debian's liboath), an implementation independent of otplib. */
export function oathtoolCode(secret: string, epochSeconds: number): string {
  return execFileSync("oathtool", ["--totp", "-b", "-N", `@${Math.floor(epochSeconds)}`, secret], { encoding: "utf8" }).trim();
}

/** Debian's python3-pyotp, with its own URI parser; always the system interpreter, which has it. */
export function pyotp(script: string, ...args: string[]): string {
  return execFileSync("/usr/bin/python3", ["-c", `import sys, pyotp\n${script}`, ...args], { encoding: "utf8" }).trim();
}
