// A client-rendered SPA: every page is built into the fallback and fetches /v1 at run time.
export const ssr = false;
export const prerender = false;
