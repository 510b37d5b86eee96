"use client";

import Link from "next/link";
import { useState } from "react";
import { CopyButton } from "./copy-button";
import { useHydrated } from "./use-hydrated";

type Props = {
  codes: string[];
  account: string;
  /** The portal's name and address, so a sheet found in a drawer years later still says what it is for. */
  clinic: string;
  address: string;
  /** When the codes were made, already in the clinic's time. */
  created: string;
  /** Where "I've saved my codes" leads; no such button when absent. */
  continueHref?: string;
};

/** A freshly issued set, with the three ways patients keep them: copy, download, print. */
export function RecoveryCodeList({ codes, account, clinic, address, created, continueHref }: Props) {
  // Without JavaScript the codes can only be written down, so the button works from the start;
  // with it, the button waits until the codes were copied, downloaded, printed or written down.
  const hydrated = useHydrated();
  const [kept, setKept] = useState(false);
  const text = [
    `${clinic}: recovery codes`,
    `Sign in at: ${address}`,
    `Account: ${account}`,
    `Created: ${created}`,
    "",
    "Each code works once, instead of a code from your app, phone or keyfob.",
    "Keep them somewhere safe, away from your phone.",
    "",
    ...codes,
    "",
  ].join("\n");

  function download() {
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    const link = Object.assign(document.createElement("a"), { href: url, download: "recovery-codes.txt" });
    link.click();
    // Revoking at once can cancel the download before the browser has read the blob.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    setKept(true);
  }

  function print() {
    setKept(true);
    window.print();
  }

  return (
    <>
      <div className="print-only" data-testid="print-header">
        <p>
          <strong>{clinic}</strong>: recovery codes
        </p>
        <p>Sign in at: {address}</p>
        <p>Account: {account}</p>
        <p>Created: {created}</p>
      </div>
      <ul className="codes" aria-label="Recovery codes" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      {hydrated ? (
        <div className="actions mt">
          <CopyButton text={text} label="Copy codes" onDone={() => setKept(true)} />
          <button type="button" className="secondary" onClick={download}>
            Download
          </button>
          <button type="button" className="secondary" onClick={print}>
            Print
          </button>
          <button type="button" className="secondary" onClick={() => setKept(true)}>
            I&apos;ve written them down
          </button>
        </div>
      ) : (
        <p className="mt" data-testid="keep-codes-by-hand">
          Write these codes down, or print this page from your browser&apos;s menu, and keep them somewhere safe.
        </p>
      )}
      {continueHref && (
        <div className="mt no-print">
          {!hydrated || kept ? (
            <Link className="button" href={continueHref}>
              I&apos;ve saved my codes
            </Link>
          ) : (
            <>
              <button type="button" disabled aria-describedby="saved-hint">
                I&apos;ve saved my codes
              </button>
              <p id="saved-hint" className="hint">
                Copy, download, print or write down your codes first.
              </p>
            </>
          )}
        </div>
      )}
    </>
  );
}
