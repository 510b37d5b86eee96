"use client";

import { CopyButton } from "./copy-button";

/** A freshly issued set, with the three ways patients keep them: copy, download, print. */
export function RecoveryCodeList({ codes, account }: { codes: string[]; account: string }) {
  const text = `Recovery codes for ${account}\nEach code works once. Keep them somewhere safe, away from your phone.\n\n${codes.join("\n")}\n`;
  function download() {
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    const link = Object.assign(document.createElement("a"), { href: url, download: "recovery-codes.txt" });
    link.click();
    URL.revokeObjectURL(url);
  }
  return (
    <>
      <ul className="codes" aria-label="Recovery codes" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      <div className="actions mt">
        <CopyButton text={text} label="Copy codes" />
        <button type="button" className="secondary" onClick={download}>
          Download
        </button>
        <button type="button" className="secondary" onClick={() => window.print()}>
          Print
        </button>
      </div>
    </>
  );
}
