import "server-only";
import QRCode from "qrcode";

/**
 * The key URI as an SVG data URL. Black on white with a 4-module quiet zone, which scanners
 * need; the page keeps it on a white card in dark mode too.
 */
export async function renderQrDataUrl(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, {
    type: "svg",
    errorCorrectionLevel: "M",
    margin: 4,
    color: { dark: "#000000", light: "#ffffff" },
  });
  return `data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")}`;
}
