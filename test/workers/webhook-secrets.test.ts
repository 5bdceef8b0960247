// Webhook secrets: encrypted at rest, rotated with a 24 h overlap, and refused alike whatever
// went wrong, so the webhook route tells nothing about which tenants exist.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../workers/index.ts";
import { createApp } from "../../workers/http/app.ts";
import { createAdapters } from "../../workers/adapters/index.ts";
import { createTenantKey, ensureModel, newBatch, scoreJobs } from "./helpers.ts";
import { recordingEnv } from "./recording-env.ts";

const storedSecrets = (tenantId: string) =>
  env.DB.prepare(
    "SELECT webhook_secret AS current, webhook_secret_previous AS previous, webhook_secret_previous_until AS until FROM tenants WHERE id = ?",
  )
    .bind(tenantId)
    .first<{ current: string; previous: string | null; until: number | null }>();

/** A tenant with a scored two-row batch, so a verified webhook is answered 202. */
async function tenantWithBatch() {
  const { tenant, tenantId } = await createTenantKey();
  const batch = await newBatch(tenantId, 2, 1);
  const messages = createMessageBatch("score-jobs", [
    {
      id: "m0",
      timestamp: new Date(),
      attempts: 1,
      body: scoreJobs(batch)[0],
    },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(messages, recordingEnv().env, ctx);
  expect((await getQueueResult(messages, ctx)).explicitAcks).toEqual(["m0"]);
  return { tenant, tenantId, batchId: batch.id };
}

function webhook(tenant: string, batchId: string) {
  return JSON.stringify({ type: "feedback.labels", tenant, data: { batchId, rows: [0], labels: [1] } });
}

function signedWith(secrets: string[], body: string, at = new Date()) {
  const id = `msg_${crypto.randomUUID()}`;
  const signature = secrets.map((s) => new Webhook(s).sign(id, at, body)).join(" ");
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": signature,
  };
}

async function postWebhook(body: string, headers: Record<string, string>, overrides: Partial<Env> = {}) {
  return createApp().fetch(
    new Request("http://edge-svm.test/v1/webhooks/feedback", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    }),
    recordingEnv(overrides).env,
    createExecutionContext(),
  );
}

beforeAll(async () => {
  await ensureModel();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("webhook secrets at rest", () => {
  it("stores a new tenant's secret encrypted and hands it back decrypted", async () => {
    const { tenantId } = await createTenantKey();
    const tenant = await createAdapters(env).keys.findTenant(tenantId);
    expect(tenant?.webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const stored = await storedSecrets(tenantId);
    expect(stored?.current).toMatch(/^enc1:[A-Za-z0-9+/]+=*:[A-Za-z0-9+/]+=*$/);
    expect(stored?.current).not.toContain(tenant?.webhookSecret.slice(6));
  });

  it("reads a legacy plaintext secret, verifies webhooks with it, and encrypts it in place", async () => {
    const { tenant, tenantId, batchId } = await tenantWithBatch();
    const legacy = "whsec_bGVnYWN5LXBsYWludGV4dC1zZWNyZXQtMjRi";
    await env.DB.prepare("UPDATE tenants SET webhook_secret = ? WHERE id = ?").bind(legacy, tenantId).run();
    const body = webhook(tenant, batchId);
    expect((await postWebhook(body, signedWith([legacy], body))).status).toBe(202);
    const stored = await storedSecrets(tenantId);
    expect(stored?.current).toMatch(/^enc1:/);
    expect((await createAdapters(env).keys.findTenant(tenantId))?.webhookSecret).toBe(legacy);
  });

  it("refuses a stored secret that was altered, with a logged 503 rather than a wrong secret", async () => {
    const { tenantId } = await createTenantKey();
    const stored = await storedSecrets(tenantId);
    const flipped = `${stored?.current.slice(0, -6)}AAAAA=`;
    await env.DB.prepare("UPDATE tenants SET webhook_secret = ? WHERE id = ?").bind(flipped, tenantId).run();
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    await expect(createAdapters(env).keys.findTenant(tenantId)).rejects.toMatchObject({
      code: "SECRETS_UNAVAILABLE",
      status: 503,
    });
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/does not decrypt/));
  });

  it("will not open a secret moved to another tenant's row", async () => {
    const a = await createTenantKey();
    const b = await createTenantKey();
    const moved = (await storedSecrets(a.tenantId))?.current;
    await env.DB.prepare("UPDATE tenants SET webhook_secret = ? WHERE id = ?").bind(moved, b.tenantId).run();
    vi.spyOn(console, "error").mockImplementation(() => {});
    await expect(createAdapters(env).keys.findTenant(b.tenantId)).rejects.toMatchObject({ status: 503 });
  });
});

describe("a Worker without WEBHOOK_SECRETS_KEY", () => {
  it.each([
    ["missing", undefined],
    ["not 256 bits", "c2hvcnQ="],
  ])("refuses to create a tenant when the key is %s, logs why, and stores nothing", async (_name, key) => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const name = `nokey-${crypto.randomUUID().slice(0, 8)}`;
    const keys = createAdapters({ ...env, WEBHOOK_SECRETS_KEY: key as string }).keys;
    await expect(keys.ensureTenant(name)).rejects.toMatchObject({ code: "SECRETS_UNAVAILABLE", status: 503 });
    await expect(keys.createKey(name, ["read"])).rejects.toMatchObject({ status: 503 });
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/WEBHOOK_SECRETS_KEY is missing or invalid/));
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM tenants WHERE name = ?")
      .bind(name)
      .first<{ n: number }>();
    expect(rows?.n).toBe(0);
  });

  it("answers webhooks for known and unknown tenants alike with a 503", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const { tenant, tenantId, batchId } = await tenantWithBatch();
    const secret = (await createAdapters(env).keys.findTenant(tenantId))?.webhookSecret ?? "";
    const answers = [];
    for (const name of [tenant, "nobody-at-all"]) {
      const body = webhook(name, batchId);
      const response = await postWebhook(body, signedWith([secret], body), { WEBHOOK_SECRETS_KEY: undefined });
      const { error } = await response.json<{ error: { code: string; message: string } }>();
      answers.push({ status: response.status, code: error.code, message: error.message });
    }
    expect(answers[0]).toMatchObject({ status: 503, code: "SECRETS_UNAVAILABLE" });
    expect(answers[1]).toEqual(answers[0]);
  });
});

describe("rotating a webhook secret", () => {
  it("keeps the previous secret valid for 24 hours, then only the new one", async () => {
    const { tenant, tenantId, batchId } = await tenantWithBatch();
    const keys = createAdapters(env).keys;
    const old = (await keys.findTenant(tenantId))?.webhookSecret ?? "";
    const rotated = await keys.rotateWebhookSecret(tenant);
    expect(rotated?.webhookSecret).toMatch(/^whsec_/);
    expect(rotated?.webhookSecret).not.toBe(old);
    expect(rotated?.previousWebhookSecret).toBe(old);
    const stored = await storedSecrets(tenantId);
    expect(stored?.previous).toMatch(/^enc1:/);
    expect(stored?.until).toBeGreaterThan(Date.now() + 23.9 * 3600_000);
    expect(stored?.until).toBeLessThanOrEqual(Date.now() + 24 * 3600_000);

    // Result callbacks are signed with the current secret.
    expect((await keys.findTenant(tenantId))?.webhookSecret).toBe(rotated?.webhookSecret);

    const body = webhook(tenant, batchId);
    const fresh = rotated?.webhookSecret ?? "";
    expect((await postWebhook(body, signedWith([fresh], body))).status).toBe(202);
    expect((await postWebhook(body, signedWith([old], body))).status).toBe(202);
    expect((await postWebhook(body, signedWith([old, fresh], body))).status).toBe(202);

    await env.DB.prepare("UPDATE tenants SET webhook_secret_previous_until = ? WHERE id = ?")
      .bind(Date.now() - 1, tenantId)
      .run();
    expect((await keys.findTenant(tenantId))?.previousWebhookSecret).toBeNull();
    expect((await postWebhook(body, signedWith([old], body))).status).toBe(401);
    expect((await postWebhook(body, signedWith([fresh], body))).status).toBe(202);
  });

  it("encrypts a legacy plaintext secret as it moves it aside", async () => {
    const { tenant, tenantId } = await createTenantKey();
    const legacy = "whsec_YW5vdGhlci1sZWdhY3ktc2VjcmV0LTI0Ynl0";
    await env.DB.prepare("UPDATE tenants SET webhook_secret = ? WHERE id = ?").bind(legacy, tenantId).run();
    const rotated = await createAdapters(env).keys.rotateWebhookSecret(tenant);
    expect(rotated?.previousWebhookSecret).toBe(legacy);
    const stored = await storedSecrets(tenantId);
    expect(stored?.current).toMatch(/^enc1:/);
    expect(stored?.previous).toMatch(/^enc1:/);
  });

  it("answers null for an unknown tenant", async () => {
    expect(await createAdapters(env).keys.rotateWebhookSecret("nobody-at-all")).toBeNull();
  });
});

describe("webhook verification failures", () => {
  it("answer unknown tenant, missing headers, stale timestamp and bad signature identically", async () => {
    const { tenant, tenantId, batchId } = await tenantWithBatch();
    const secret = (await createAdapters(env).keys.findTenant(tenantId))?.webhookSecret ?? "";
    const body = webhook(tenant, batchId);
    const stranger = webhook("nobody-at-all", batchId);
    const cases = {
      "unknown tenant": [stranger, signedWith([secret], stranger)],
      "missing headers": [body, {}],
      "stale timestamp": [body, signedWith([secret], body, new Date(Date.now() - 6 * 60_000))],
      "bad signature": [body, signedWith(["whsec_c2VjcmV0LXRoYXQtaXMtbm90LXRoZS10ZW5hbnRz"], body)],
    } as const;
    const answers: Record<string, string> = {};
    for (const [name, [payload, headers]] of Object.entries(cases)) {
      const response = await postWebhook(payload, headers);
      const { error } = await response.json<{ error: { code: string; message: string } }>();
      answers[name] = JSON.stringify({ status: response.status, code: error.code, message: error.message });
    }
    expect(new Set(Object.values(answers)).size).toBe(1);
    expect(JSON.parse(answers["unknown tenant"])).toMatchObject({ status: 401, code: "INVALID_SIGNATURE" });
  });
});
