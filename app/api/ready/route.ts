import { handleReady } from "@/lib/health/readiness";
import { nextRoute } from "@/lib/http/next-adapter";

// The production server answers this path before Next sees it
// (lib/server/fast-routes.ts); this mount serves LICENSE_API_FAST_PATH=0 and other hosts.
export const dynamic = "force-dynamic";

const handler = nextRoute(handleReady);
export { handler as GET, handler as HEAD };
