// A client-rendered SPA: every page is built into the fallback and fetches /v1 at run time.
// The layout loads the session (the API key lives in the browser); without one, every page
// but the sign-in page redirects there and comes back afterwards.
import { redirect } from "@sveltejs/kit";
import { resolve } from "$app/paths";
import { loadSession } from "$lib/session.ts";
import type { LayoutLoad } from "./$types";

export const ssr = false;
export const prerender = false;

export const load: LayoutLoad = ({ url, depends }) => {
  depends("app:session");
  const session = loadSession();
  if (!session && url.pathname !== resolve("/signin")) {
    redirect(307, resolve(`/signin?next=${encodeURIComponent(url.pathname + url.search)}`));
  }
  return { session };
};
