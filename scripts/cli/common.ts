// What the commands of the CLI share: the argument parser and the client made from the configuration.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { createClient, type Client } from "../../client/index.ts";
import { resolveConfig, type CliConfig } from "./config.ts";
import { UnreachableError, UsageError } from "./errors.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

const GLOBAL = { config: { type: "string" }, help: { type: "boolean", short: "h" } } as const;

/** Parses a command's arguments (its options plus --config and --help); bad ones are a UsageError. */
export function parse<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...options, ...GLOBAL }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A positive integer option, within [1, max]. */
export function integerOption(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--${name} must be an integer from 1 to ${max}`);
  return n;
}

/** The client for the configured server; a network failure becomes an UnreachableError. */
export function connect(configPath: string | undefined): { client: Client; config: CliConfig } {
  const config = resolveConfig({ configPath });
  const reaching: typeof fetch = async (input, init) => {
    try {
      return await fetch(input, init);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new UnreachableError(`cannot reach ${config.url} (${why}); is the server running?`);
    }
  };
  return { client: createClient({ baseUrl: config.url, key: config.key, fetch: reaching }), config };
}
