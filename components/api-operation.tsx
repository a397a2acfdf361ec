import type { OperationDoc } from "@/lib/api-docs/openapi";

const METHOD_STYLES: Record<string, string> = {
  GET: "bg-emerald-100 text-emerald-800",
  POST: "bg-indigo-100 text-indigo-800",
  PATCH: "bg-amber-100 text-amber-800",
  PUT: "bg-amber-100 text-amber-800",
  DELETE: "bg-rose-100 text-rose-800",
};

function statusStyle(status: string): string {
  if (status.startsWith("2")) return "bg-emerald-100 text-emerald-800";
  if (status.startsWith("5")) return "bg-rose-100 text-rose-800";
  return "bg-amber-100 text-amber-800";
}

export function MethodBadge({ method }: { method: string }) {
  return (
    <span className={`inline-block shrink-0 rounded px-2 py-0.5 font-mono text-xs font-semibold ${METHOD_STYLES[method] ?? "bg-slate-100 text-slate-800"}`}>
      {method}
    </span>
  );
}

/** The document's prose uses backticks for code; everything else stays plain text (no HTML is ever injected). */
export function InlineText({ text }: { text: string }) {
  return (
    <>
      {text.split("`").map((part, i) =>
        i % 2 === 1 ? (
          <code key={i} className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.9em] break-words">
            {part}
          </code>
        ) : (
          part
        ),
      )}
    </>
  );
}

type Block = { kind: "heading" | "paragraph" | "code"; lines: string[] };

/** Just the Markdown the OpenAPI descriptions use: `## ` headings, ``` fences, paragraphs and inline code. */
function blocks(text: string): Block[] {
  const result: Block[] = [];
  let current: Block | null = null;
  for (const line of text.split("\n")) {
    if (current?.kind === "code") {
      if (line.startsWith("```")) current = null;
      else current.lines.push(line);
    } else if (line.startsWith("```")) {
      current = { kind: "code", lines: [] };
      result.push(current);
    } else if (line.startsWith("## ")) {
      result.push({ kind: "heading", lines: [line.slice(3)] });
      current = null;
    } else if (line.trim() === "") {
      current = null;
    } else if (current?.kind === "paragraph") {
      current.lines.push(line);
    } else {
      current = { kind: "paragraph", lines: [line] };
      result.push(current);
    }
  }
  return result;
}

export function DocText({ text, headingLevel = 3 }: { text: string; headingLevel?: 3 | 4 }) {
  const Heading = headingLevel === 3 ? "h3" : "h4";
  return (
    <div className="space-y-3 text-slate-700">
      {blocks(text).map((block, i) => {
        if (block.kind === "heading") {
          return (
            <Heading key={i} className="pt-2 font-semibold text-slate-900">
              {block.lines[0]}
            </Heading>
          );
        }
        if (block.kind === "code") return <CodeBlock key={i} text={block.lines.join("\n")} />;
        return (
          <p key={i}>
            <InlineText text={block.lines.join(" ")} />
          </p>
        );
      })}
    </div>
  );
}

/** Scrolls inside its box rather than widening the page; focusable so keyboard users can scroll it too. */
export function CodeBlock({ text }: { text: string }) {
  return (
    <pre tabIndex={0} className="overflow-x-auto rounded-md bg-slate-900 p-4 text-xs leading-relaxed text-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600">
      <code>{text}</code>
    </pre>
  );
}

function Example({ title, value }: { title: string; value: unknown }) {
  return (
    <div className="min-w-0">
      <h4 className="mb-2 text-sm font-semibold text-slate-900">{title}</h4>
      <CodeBlock text={JSON.stringify(value, null, 2)} />
    </div>
  );
}

export function ApiOperation({ op }: { op: OperationDoc }) {
  const titleId = `${op.operationId}-title`;
  const hasRequest = op.requestExample !== undefined;
  const hasResponse = op.responseExample !== undefined;
  return (
    <article id={op.operationId} aria-labelledby={titleId} className="min-w-0 scroll-mt-6 space-y-4 rounded-lg border border-slate-200 bg-white p-5">
      <div className="space-y-2">
        <h3 id={titleId} className="text-lg font-semibold">
          {op.summary}
        </h3>
        <div tabIndex={0} className="flex items-center gap-2 overflow-x-auto pb-1 focus-visible:outline-2 focus-visible:outline-indigo-600">
          <MethodBadge method={op.method} />
          <code className="font-mono text-sm whitespace-nowrap">{op.path}</code>
        </div>
        {op.requiresAuth && (
          <p className="text-sm text-slate-600">
            Requires <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.9em]">Authorization: Bearer &lt;token&gt;</code>.
          </p>
        )}
      </div>

      <DocText text={op.description} headingLevel={4} />

      {op.parameters.length > 0 && (
        <div>
          <h4 className="mb-2 text-sm font-semibold text-slate-900">Parameters</h4>
          <ul className="space-y-1 text-sm text-slate-700">
            {op.parameters.map((p) => (
              <li key={`${p.in}:${p.name}`}>
                <code className="rounded bg-slate-100 px-1 py-0.5 font-mono">{p.name}</code>{" "}
                <span className="text-slate-500">
                  ({p.in}
                  {p.required ? ", required" : ""})
                </span>{" "}
                <InlineText text={p.description} />
              </li>
            ))}
          </ul>
        </div>
      )}

      {(hasRequest || hasResponse) && (
        <div className="grid gap-4 lg:grid-cols-2">
          {hasRequest && <Example title="Request example" value={op.requestExample} />}
          {hasResponse && (
<Example title={`Response example (${op.responseExampleStatus ?? "200"})`} value={op.responseExample} />
          )}
        </div>
      )}

      <div>
        <h4 className="mb-2 text-sm font-semibold text-slate-900">Responses</h4>
        <dl className="divide-y divide-slate-100 text-sm">
          {op.responses.map((r) => (
            <div key={r.status} className="flex gap-3 py-1.5">
              <dt className="shrink-0">
                <span className={`inline-block rounded px-1.5 py-0.5 font-mono text-xs font-semibold ${statusStyle(r.status)}`}>{r.status}</span>
              </dt>
              <dd className="min-w-0 text-slate-700">
                <InlineText text={r.description} />
              </dd>
            </div>
          ))}
        </dl>
      </div>
    </article>
  );
}
