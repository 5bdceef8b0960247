// Which callback URLs we will POST results to. A callback is a request our Worker makes on a
// client's behalf, so it must not reach what only we can reach: loopback, private networks,
// link-local (cloud metadata at 169.254.169.254), unique-local IPv6, "localhost" names, or
// internal cloud metadata hosts. WHATWG URL parsing already normalises the tricks (decimal
// and hex IPv4 such as https://2130706433/, IPv4-mapped IPv6), so the checks see canonical
// hosts. A host name that resolves to a private address cannot be checked here (Workers have
// no DNS API); on Cloudflare a Worker's fetch cannot reach private networks anyway.
export type CallbackUrlVerdict = { ok: true; url: URL } | { ok: false; rule: string };

const BLOCKED_NAMES = [/^localhost$/, /\.localhost$/, /^metadata\.google\.internal$/, /\.internal$/, /\.local$/];

export function checkCallbackUrl(text: string, maxLength: number): CallbackUrlVerdict {
  if (text.length > maxLength) return { ok: false, rule: `at most ${maxLength} characters` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, rule: "a valid absolute URL" };
  }
  if (url.protocol !== "https:") return { ok: false, rule: "https only" };
  if (url.username || url.password) return { ok: false, rule: "no credentials in the URL" };
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (host.startsWith("[")) {
    const rule = blockedIpv6(host.slice(1, -1));
    return rule ? { ok: false, rule } : { ok: true, url };
  }
  const v4 = parseIpv4(host);
  if (v4) {
    const rule = blockedIpv4(v4);
    return rule ? { ok: false, rule } : { ok: true, url };
  }
  if (BLOCKED_NAMES.some((pattern) => pattern.test(host))) {
    return { ok: false, rule: "no localhost, .local or .internal host names" };
  }
  if (!host.includes(".")) return { ok: false, rule: "a public, fully qualified host name" };
  return { ok: true, url };
}

function parseIpv4(host: string): number[] | null {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return null;
  const bytes = parts.map(Number);
  return bytes.every((b) => b <= 255) ? bytes : null;
}

function blockedIpv4([a, b]: number[]): string | null {
  if (a === 127) return "no loopback addresses";
  if (a === 0) return "no 0.0.0.0/8 addresses";
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return "no private addresses";
  if (a === 169 && b === 254) return "no link-local or metadata addresses";
  if (a === 100 && b >= 64 && b <= 127) return "no shared (carrier-grade NAT) addresses";
  if (a >= 224) return "no multicast or reserved addresses";
  return null;
}

function blockedIpv6(host: string): string | null {
  const h = host.toLowerCase();
  if (h === "::1" || h === "::") return "no loopback addresses";
  // IPv4-mapped (::ffff:a.b.c.d, which URL parsing writes as ::ffff:XXXX:XXXX) and NAT64.
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(h);
  if (mapped) {
    const hi = parseInt(mapped[1], 16);
    const lo = parseInt(mapped[2], 16);
    return blockedIpv4([hi >> 8, hi & 255, lo >> 8, lo & 255]) ?? null;
  }
  if (/^::ffff:/.test(h) || /^64:ff9b:/.test(h)) return "no IPv4-mapped addresses";
  if (/^fe[89ab][0-9a-f]?:/.test(h)) return "no link-local addresses";
  if (/^f[cd][0-9a-f]{0,2}:/.test(h)) return "no unique-local (private) addresses";
  if (/^ff[0-9a-f]{0,2}:/.test(h)) return "no multicast addresses";
  return null;
}
