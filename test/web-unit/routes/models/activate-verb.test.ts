// The models page offers "Roll back to" only for a version that served before.
import { describe, expect, it } from "vitest";
import { activateVerb } from "../../../../web/src/routes/models/models.ts";

const champion = { createdAt: "2026-12-02T10:00:00Z" };

describe("activateVerb", () => {
  it("promotes a candidate that was never the champion, however old", () => {
    expect(activateVerb({ createdAt: "2026-12-01T10:00:00Z", activatedAt: null }, champion)).toBe("Promote");
  });

  it("rolls back to an older version that was the champion before", () => {
    const former = { createdAt: "2026-12-01T10:00:00Z", activatedAt: "2026-12-01T10:00:01Z" };
    expect(activateVerb(former, champion)).toBe("Roll back to");
  });

  it("activates a newer version that served before", () => {
    const newer = { createdAt: "2026-12-02T11:00:00Z", activatedAt: "2026-12-02T11:00:01Z" };
    expect(activateVerb(newer, champion)).toBe("Activate");
  });
});
