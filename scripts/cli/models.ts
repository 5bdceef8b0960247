// `edge-svm models list|show VERSION|activate VERSION|retrain [--force]` and `edge-svm get BATCH`.
import { connect, parse } from "./common.ts";
import { UsageError } from "./errors.ts";

const pct = (x: number | undefined | null) => (typeof x === "number" ? `${(100 * x).toFixed(2)}%` : "-");

export async function models(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  const { values, positionals } = parse(rest, { force: { type: "boolean" } });
  const needs = action === "show" || action === "activate" ? 1 : 0;
  if (action === undefined)
    throw new UsageError("models needs an action: list, show VERSION, activate VERSION, retrain");
  if (!["list", "show", "activate", "retrain"].includes(action))
    throw new UsageError(`unknown models action "${action}"`);
  if (positionals.length < needs) throw new UsageError(`models ${action} needs a VERSION (see edge-svm models list)`);
  if (positionals.length > needs) throw new UsageError(`unexpected argument "${positionals[needs]}"`);
  if (values.force !== undefined && action !== "retrain") throw new UsageError("--force goes with models retrain");
  const { client } = connect(values.config);
  const [version] = positionals;

  if (action === "list") {
    const { models } = await client.listModels();
    console.log(["", "version".padEnd(16), "status".padEnd(10), "rows".padStart(8), "holdout", "  created"].join(" "));
    for (const m of models) {
      const cells = [
        m.champion ? "*" : " ",
        m.version.padEnd(16),
        m.status.padEnd(10),
        String(m.trainingRows).padStart(8),
        pct(m.holdout?.accuracy).padStart(7),
        ` ${m.createdAt}`,
      ];
      console.log(cells.join(" "));
    }
    if (models.length === 0) console.log("no models yet");
  } else if (action === "show") {
    console.log(JSON.stringify(await client.getModel(version), null, 2));
  } else if (action === "activate") {
    const activated = await client.activate(version);
    console.log(`${activated.version} is the champion now (status ${activated.status})`);
  } else {
    const outcome = await client.retrain(values.force === true);
    const challenger = outcome.challengerVersion ? ` ${outcome.challengerVersion}` : "";
    console.log(`retrain ${outcome.status}${challenger}${outcome.reason ? `: ${outcome.reason}` : ""}`);
    if (outcome.runId) console.log(`run ${outcome.runId}`);
  }
}

export async function get(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, {});
  const [batchId, ...extra] = positionals;
  if (batchId === undefined) throw new UsageError("get needs a batch id: edge-svm get BATCH_ID");
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const { client } = connect(values.config);
  console.log(JSON.stringify(await client.getBatch(batchId), null, 2));
}
