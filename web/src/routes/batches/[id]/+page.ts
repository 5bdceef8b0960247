// One batch with its predictions, the per-feature contributions behind each margin and the true
// labels saved so far (so they are still there when the page is reloaded), and the tenant's
// class names.
import { failLoad, requireScope, useApi } from "$lib/load.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async (event) => {
  const { session, api } = await useApi(event);
  requireScope(session, "read", "see a batch's predictions");
  try {
    const [batch, me] = await Promise.all([api.getBatch(event.params.id, { explain: true, feedback: true }), api.me()]);
    return { batch, classNames: me.model.classNames };
  } catch (error) {
    failLoad(error);
  }
};
