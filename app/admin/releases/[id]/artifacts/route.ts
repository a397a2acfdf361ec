// The console's artifact upload: PUT the raw bytes (streamed to storage, as the
// admin API's PUT does) with the signed-in admin's session instead of a token,
// so the releases page can show progress with XHR. Query: filename, platform,
// arch, signature?. Only same-origin requests (a cross-site PUT would need CORS).
import { Readable } from "node:stream";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { currentUser } from "@/lib/auth/session";
import { ApiError, errorResponse } from "@/lib/http/errors";
import { clientIpFromHeaders } from "@/lib/http/next-adapter";
import { parseQuery } from "@/lib/admin-api/schemas";
import { uploadArtifact } from "@/lib/releases/artifacts";
import { artifactQuery, filename } from "@/lib/releases/schemas";
import { otherMethods } from "@/lib/http/route-methods";

export const dynamic = "force-dynamic";

export async function PUT(request: Request, props: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const user = await currentUser();
    if (!user?.isAdmin) throw new ApiError("UNAUTHORIZED", "Sign in as an admin");
    const origin = request.headers.get("origin");
    if (origin && new URL(origin).host !== request.headers.get("host")) throw new ApiError("FORBIDDEN", "Cross-site uploads are not allowed");
    const url = new URL(request.url);
    const name = filename.safeParse(url.searchParams.get("filename") ?? "");
    if (!name.success) throw new ApiError("BAD_REQUEST", `Invalid file name: ${name.error.issues[0]!.message}`);
    const query = parseQuery(new URLSearchParams([...url.searchParams].filter(([k]) => k !== "filename")), artifactQuery);
    const length = request.headers.get("content-length");
    const { id } = await props.params;
    const { artifact, created } = await uploadArtifact(
      {
        releaseId: id,
        filename: name.data,
        platform: query.platform,
        arch: query.arch,
        signature: query.signature,
        body: request.body ? Readable.fromWeb(request.body as NodeWebStream<Uint8Array>) : Readable.from([]),
        declaredSize: length && /^\d{1,16}$/.test(length) ? Number(length) : undefined,
      },
      { actor: { type: "user", id: user.id, label: user.email }, ip: clientIpFromHeaders(request.headers) },
    );
    return Response.json(artifact, { status: created ? 201 : 200 });
  } catch (error) {
    const { status, headers, json } = errorResponse(error);
    return Response.json(json, { status, headers });
  }
}

export const { GET, POST, PATCH, DELETE } = otherMethods(["PUT"]);
