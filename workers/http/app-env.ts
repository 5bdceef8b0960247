// The Hono environment shared by every route: bindings, adapters and the caller.
import type { Adapters } from "../adapters/index.ts";
import type { Principal } from "../adapters/key-store.ts";

export interface AppEnv {
  Bindings: Env;
  Variables: { adapters: Adapters; principal: Principal; requestId: string };
}
