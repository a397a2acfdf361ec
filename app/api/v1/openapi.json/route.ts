import { openApiDocument } from "@/lib/api-docs/openapi";
import { otherMethods } from "@/lib/http/route-methods";

// Read at request time so `servers` names the URL this deployment is configured with, not the build's.
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json(openApiDocument(process.env.APP_URL), { headers: { "Cache-Control": "public, max-age=300" } });
}

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
