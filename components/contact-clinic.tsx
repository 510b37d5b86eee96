import { getConfig } from "@/lib/config";

/** "call the clinic on +44 …  (Mon–Fri 8:00–18:00)", or just "contact the clinic" when no number is set. */
export function ContactClinic({ sentenceStart = false }: { sentenceStart?: boolean }) {
  const { phone, hours } = getConfig().clinic;
  if (!phone) return <>{sentenceStart ? "Contact" : "contact"} the clinic</>;
  return (
    <>
      {sentenceStart ? "Call" : "call"} the clinic on{" "}
      <a href={`tel:${phone.replace(/[^+0-9]/g, "")}`} className="nowrap" data-testid="clinic-phone">
        {phone}
      </a>
      {hours && <> ({hours})</>}
    </>
  );
}
