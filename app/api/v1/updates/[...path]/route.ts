import { nextRoute } from "@/lib/http/next-adapter";
import { handleReleasesApi } from "@/lib/releases/api";

// The production server answers these paths before Next sees them
// (lib/server/fast-routes.ts); this mount serves `next dev` and other hosts.
export const dynamic = "force-dynamic";

const handler = nextRoute(handleReleasesApi);
export { handler as GET, handler as HEAD, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
