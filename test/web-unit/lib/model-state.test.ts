// What the dashboard says about the tenant's model (GET /v1/me's `model`).
import { describe, expect, it } from "vitest";
import { modelNotice } from "../../../web/src/lib/model-state.ts";

const HINT = "This tenant has no active model yet: publish one or activate a version.";

describe("the notice about the tenant's model", () => {
  it("says nothing while a model serves without trouble", () => {
    expect(
      modelNotice({ active: true, version: "v2", featureNames: ["a", "b"], classNames: ["0", "1"] }, "demo"),
    ).toBeNull();
  });

  it("shows the server's hint when no model is active", () => {
    expect(
      modelNotice({ active: false, version: null, featureNames: [], classNames: ["0", "1"], hint: HINT }, "acme"),
    ).toEqual({
      tone: "warn",
      title: "Tenant acme cannot score anything yet: new batches and predictions are refused.",
      lines: [HINT],
    });
  });

  it("still says what to do when the server gives no hint", () => {
    const notice = modelNotice({ active: false, version: null, featureNames: [], classNames: ["0", "1"] }, "acme");
    expect(notice?.lines).toEqual([expect.stringMatching(/^Publish a model/)]);
  });

  it("reports a champion that cannot be served, naming the version that stands in", () => {
    const error = "model v5 cannot be served: checksum mismatch";
    expect(
      modelNotice({ active: true, version: "v4", featureNames: ["a"], classNames: ["0", "1"], error }, "demo"),
    ).toEqual({
      tone: "bad",
      title: "Serving v4: the newest champion cannot be loaded.",
      lines: [error],
    });
  });
});
