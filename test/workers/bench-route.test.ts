// POST /v1/_bench/accept, the instrument of `npm run bench:api`, exists only with the var BENCH
// "on" (which the test pool never sets): otherwise it is the same 404 as a path that does not exist.
import { describe, expect, it } from "vitest";
import { api, createTenantKey } from "./helpers.ts";

describe("POST /v1/_bench/accept", () => {
  it("answers 404 NOT_FOUND to an admin key when BENCH is not on", async () => {
    const { key } = await createTenantKey(["admin"], { model: false });
    const response = await api("/v1/_bench/accept?jsonBytes=1&rounds=1", { method: "POST", key, body: "xy" });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });
});
