// Where to go after signing in. The target comes from the URL (`?next=`), so anyone can craft
// it: it must never lead to another site. Pure (no SvelteKit imports), so Node tests can use it.

const SIGN_IN = "/signin";

/**
 * The page that sent us to sign in (`next`) as a path on `origin`, else the overview. Pattern
 * checks on the raw text miss what the URL parser does (it drops tabs and newlines, trims
 * spaces, reads "\" as "/"), so the text is resolved the way the browser will resolve it and
 * kept only when it stays on this origin, both as given and as the path handed on.
 */
export function pathAfterSignIn(next: string | null, origin: string): string {
  if (!next) return "/";
  let target: URL;
  try {
    target = new URL(next, origin);
  } catch {
    return "/";
  }
  if (target.origin !== origin) return "/";
  if (target.pathname === SIGN_IN || target.pathname.startsWith(`${SIGN_IN}/`)) return "/";
  const path = `${target.pathname}${target.search}${target.hash}`;
  // Dot segments can collapse into "//host", which would name another site once resolved again.
  return new URL(path, origin).origin === origin ? path : "/";
}
