// Calls the license API handler in-process with a request built as the
// servers build them, and decodes the answer.
import { handleLicenseApi } from "../licensing/api/router";
import type { ApiRequest } from "../http/types";

export type Answer = { status: number; headers: Record<string, string>; json: any; raw: Buffer }; // eslint-disable-line @typescript-eslint/no-explicit-any

export function apiRequest(path: string, body: unknown, opts: { method?: string; ip?: string; host?: string; raw?: Buffer } = {}): ApiRequest {
  return {
    method: opts.method ?? "POST",
    path,
    query: new URLSearchParams(),
    host: opts.host ?? "licenses.example.com",
    ip: opts.ip ?? "203.0.113.7",
    headers: { "content-type": "application/json" },
    body: opts.raw ?? Buffer.from(body === undefined ? "" : JSON.stringify(body)),
  };
}

export async function call(path: string, body: unknown, opts: Parameters<typeof apiRequest>[2] = {}): Promise<Answer> {
  const res = await handleLicenseApi(apiRequest(path, body, opts));
  return { status: res.status, headers: res.headers, json: JSON.parse(res.body.toString()), raw: res.body };
}
