import type { Metadata } from "next";
import { ApiOperation, DocText, MethodBadge } from "@/components/api-operation";
import { apiInfo, openApiDocument, operations, tagList } from "@/lib/api-docs/openapi";

export const metadata: Metadata = { title: "API reference" };

const tagAnchor = (tag: string) => `tag-${tag.toLowerCase()}`;

// Rendered from the same document as /api/v1/openapi.json, so the page and the spec cannot disagree.
export default function ApiReferencePage() {
  const doc = openApiDocument();
  const info = apiInfo(doc);
  const ops = operations(doc);
  const groups = tagList(doc)
    .map((tag) => ({ ...tag, ops: ops.filter((op) => op.tag === tag.name) }))
    .filter((group) => group.ops.length > 0);

  return (
    <div className="space-y-10">
      <header className="space-y-3">
        <h1 className="text-3xl font-bold tracking-tight">API reference</h1>
        <p className="max-w-2xl text-slate-600">
          {info.title} {info.version}: validate and activate licenses from your application, and manage the catalogue and licenses from your own
          tools. The same description as an OpenAPI 3.1 document:{" "}
          <a href="/api/v1/openapi.json" className="font-medium text-indigo-700 underline hover:text-indigo-900 focus-visible:outline-2 focus-visible:outline-indigo-600">
            /api/v1/openapi.json
          </a>
          .
        </p>
        <p className="max-w-2xl text-slate-600">
          For Node applications, the client SDK (<code>sdk/</code> in the portal&apos;s repository, package{" "}
          <code>@license-portal/client</code>) does this in a few lines: machine fingerprint, signature checks against your pinned public key,
          offline grace and a CLI. See <code>sdk/README.md</code>.
        </p>
      </header>

      <section aria-labelledby="conventions" className="min-w-0 rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="conventions" className="mb-3 text-xl font-semibold">
          Conventions
        </h2>
        <DocText text={info.description} headingLevel={3} />
      </section>

      <nav aria-labelledby="contents" className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="contents" className="mb-3 text-xl font-semibold">
          Contents
        </h2>
        <div className="grid gap-6 sm:grid-cols-3">
          {groups.map((group) => (
            <div key={group.name} className="min-w-0">
              <h3 className="font-semibold">
                <a href={`#${tagAnchor(group.name)}`} className="hover:text-indigo-700 focus-visible:outline-2 focus-visible:outline-indigo-600">
                  {group.name}
                </a>
              </h3>
              <ul className="mt-2 space-y-1.5 text-sm">
                {group.ops.map((op) => (
                  <li key={op.operationId}>
                    <a href={`#${op.operationId}`} className="flex items-start gap-2 text-slate-700 hover:text-slate-950 focus-visible:outline-2 focus-visible:outline-indigo-600">
                      <MethodBadge method={op.method} />
                      <span>{op.summary}</span>
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      </nav>

      {groups.map((group) => (
        <section key={group.name} id={tagAnchor(group.name)} aria-labelledby={`${tagAnchor(group.name)}-title`} className="min-w-0 scroll-mt-6 space-y-4">
          <div className="space-y-1">
            <h2 id={`${tagAnchor(group.name)}-title`} className="text-2xl font-bold tracking-tight">
              {group.name}
            </h2>
            <DocText text={group.description} />
          </div>
          {group.ops.map((op) => (
            <ApiOperation key={op.operationId} op={op} />
          ))}
        </section>
      ))}
    </div>
  );
}
