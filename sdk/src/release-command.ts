// `license-portal release publish`: ships a release from a CI pipeline through the admin API
// (API.md "Releases and downloads"). The release is created as a DRAFT, every file is uploaded
// streamed (any size, constant memory) and checked against its SHA-256, and only then is the release
// published, so no client is ever offered a release whose files are still uploading. Re-running the
// same command after a failure continues where it stopped (the release exists: its files are replaced).
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";

export type PublishOptions = {
  server: string;
  token: string;
  product: string;
  version: string;
  channel?: string;
  notes?: string;
  entitlements: string[];
  /** `PLATFORM/ARCH=PATH`, e.g. `darwin/universal=dist/App.dmg`; a `PATH.sig` beside it is sent as its signature */
  files: string[];
  /** leave the release a draft (publish it later in the console or with PATCH) */
  draft: boolean;
  fetch?: typeof fetch;
  log: (line: string) => void;
};

type Release = { id: string; version: string; status: string; artifacts: { filename: string }[] };

/** `usage`: the command line is wrong (exit 2); otherwise the server refused or failed (exit 1). */
export class PublishError extends Error {
  constructor(
    message: string,
    readonly usage = false,
  ) {
    super(message);
  }
}

/** Parses `PLATFORM/ARCH=PATH`. */
export function parseFileSpec(spec: string): { platform: string; arch: string; file: string } {
  const m = /^([a-z]+)\/([a-z0-9]+)=(.+)$/.exec(spec);
  if (!m) throw new PublishError(`--file "${spec}": use PLATFORM/ARCH=PATH, e.g. windows/x64=dist/App-Setup.exe`, true);
  return { platform: m[1]!, arch: m[2]!, file: m[3]! };
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Creates (or finds), uploads and publishes; returns the release as the server last answered it. */
export async function publishRelease(o: PublishOptions): Promise<unknown> {
  const doFetch = o.fetch ?? fetch;
  const base = o.server.replace(/\/+$/, "");
  const specs = o.files.map(parseFileSpec);
  for (const s of specs) if (!existsSync(s.file) || !statSync(s.file).isFile()) throw new PublishError(`no such file: ${s.file}`, true);

  const api = async (method: string, pathname: string, body?: unknown, extra: RequestInit = {}) => {
    const res = await doFetch(base + pathname, {
      method,
      ...extra,
      headers: { Authorization: `Bearer ${o.token}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...(extra.headers ?? {}) },
      body: body === undefined ? extra.body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      /* not JSON: reported below */
    }
    return { status: res.status, json: json as Record<string, unknown> | null, text };
  };
  const fail = (what: string, r: { status: number; text: string }) => new PublishError(`${what}: HTTP ${r.status} ${r.text.slice(0, 500)}`);

  let release: Release;
  const created = await api("POST", "/api/v1/admin/releases", {
    product: o.product,
    version: o.version,
    ...(o.channel ? { channel: o.channel } : {}),
    ...(o.notes !== undefined ? { notes: o.notes } : {}),
    entitlements: o.entitlements,
    status: "DRAFT",
  });
  if (created.status === 201) {
    release = created.json as unknown as Release;
    o.log(`created draft ${o.product} ${o.version}`);
  } else if (created.status === 409) {
    const list = await api("GET", `/api/v1/admin/releases?product=${encodeURIComponent(o.product)}`);
    const found = (list.json?.data as Release[] | undefined)?.find((r) => r.version === o.version);
    if (!found) throw fail("creating the release", created);
    release = found;
    o.log(`continuing with the existing ${o.product} ${o.version} (${found.status})`);
  } else {
    throw fail("creating the release", created);
  }

  for (const s of specs) {
    const filename = path.basename(s.file);
    const size = statSync(s.file).size;
    const sigFile = `${s.file}.sig`;
    const query = new URLSearchParams({ platform: s.platform, arch: s.arch });
    if (existsSync(sigFile)) query.set("signature", readFileSync(sigFile, "utf8").trim());
    const expected = await sha256Of(s.file);
    const res = await api("PUT", `/api/v1/admin/releases/${release.id}/artifacts/${encodeURIComponent(filename)}?${query}`, undefined, {
      body: Readable.toWeb(createReadStream(s.file)) as ReadableStream,
      headers: { "Content-Type": "application/octet-stream", "Content-Length": String(size) },
      duplex: "half",
    } as RequestInit);
    if (res.status !== 201 && res.status !== 200) throw fail(`uploading ${filename}`, res);
    if (res.json?.sha256 !== expected) throw new PublishError(`uploading ${filename}: the server stored SHA-256 ${String(res.json?.sha256)}, the file has ${expected}`);
    o.log(`uploaded ${filename} (${s.platform}/${s.arch}, ${size} bytes, sha256 ${expected})`);
  }

  if (o.draft) return (await api("GET", `/api/v1/admin/releases/${release.id}`)).json;
  const published = await api("PATCH", `/api/v1/admin/releases/${release.id}`, { status: "PUBLISHED" });
  if (published.status !== 200) throw fail("publishing", published);
  o.log(`published ${o.product} ${o.version}`);
  return published.json;
}
