// Reading an OpenAPI document back into what the /docs/api page shows (components/api-operation.tsx).
// It reads any document, not only ours, so the page and its tests do not depend on how it was built.

export type OperationDoc = {
  method: string;
  path: string;
  summary: string;
  description: string;
  tag: string;
  requestExample?: unknown;
  responseExample?: unknown;
  /** Unique; doubles as the HTML anchor of the operation. */
  operationId: string;
  /** The status of `responseExample`. */
  responseExampleStatus?: string;
  /** A bearer token is needed (admin API, metrics). */
  requiresAuth: boolean;
  parameters: { name: string; in: string; required: boolean; description: string }[];
  responses: { status: string; description: string }[];
};

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const str = (value: unknown): string => (typeof value === "string" ? value : "");

/** Follows a local `$ref` ("#/components/...") so callers see the referenced object. */
function resolve(doc: Record<string, unknown>, value: unknown): unknown {
  if (!isRecord(value) || typeof value.$ref !== "string") return value;
  let target: unknown = doc;
  for (const part of value.$ref.replace(/^#\//, "").split("/")) target = isRecord(target) ? target[part] : undefined;
  return target;
}

/** The `example`, else the first of `examples`, of a media type's JSON content (else of its first media type, e.g. a form). */
function firstExample(content: unknown): unknown {
  const media = isRecord(content) ? (content["application/json"] ?? Object.values(content)[0]) : undefined;
  if (!isRecord(media)) return undefined;
  if ("example" in media) return media.example;
  const first = isRecord(media.examples) ? Object.values(media.examples)[0] : undefined;
  return isRecord(first) ? first.value : undefined;
}

export function apiInfo(doc: object): { title: string; version: string; description: string } {
  const info = (doc as { info?: unknown }).info;
  return isRecord(info) ? { title: str(info.title), version: str(info.version), description: str(info.description) } : { title: "", version: "", description: "" };
}

export function tagList(doc: object): { name: string; description: string }[] {
  const tags = (doc as { tags?: unknown }).tags;
  return Array.isArray(tags) ? tags.filter(isRecord).map((t) => ({ name: str(t.name), description: str(t.description) })) : [];
}

/** Every operation in document order, flattened for the reference page. */
export function operations(doc: object): OperationDoc[] {
  const root = doc as Record<string, unknown>;
  const paths = isRecord(root.paths) ? root.paths : {};
  const topLevelSecurity = Array.isArray(root.security) && root.security.length > 0;
  // "Requires a bearer token" is what the page says; other schemes (a license key) are explained in the description.
  const schemes = isRecord(root.components) && isRecord(root.components.securitySchemes) ? root.components.securitySchemes : {};
  const bearerSchemes = new Set(Object.entries(schemes).filter(([, s]) => isRecord(s) && s.type === "http" && str(s.scheme).toLowerCase() === "bearer").map(([name]) => name));
  const result: OperationDoc[] = [];

  for (const [path, item] of Object.entries(paths)) {
    if (!isRecord(item)) continue;
    const sharedParameters = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of METHODS) {
      const op = item[method];
      if (!isRecord(op)) continue;

      const responses = isRecord(op.responses) ? Object.entries(op.responses) : [];
      const success = responses.find(([status]) => status.startsWith("2"));
      const parameters = [...sharedParameters, ...(Array.isArray(op.parameters) ? op.parameters : [])]
        .map((p) => resolve(root, p))
        .filter(isRecord)
        .map((p) => ({ name: str(p.name), in: str(p.in), required: p.required === true, description: str(p.description) }));
      const security = Array.isArray(op.security) ? op.security : undefined;
      const requestBody = resolve(root, op.requestBody);
      const successResponse = success ? resolve(root, success[1]) : undefined;

      result.push({
        method: method.toUpperCase(),
        path,
        operationId: str(op.operationId),
        summary: str(op.summary),
        description: str(op.description),
        tag: Array.isArray(op.tags) ? str(op.tags[0]) : "",
        requestExample: isRecord(requestBody) ? firstExample(requestBody.content) : undefined,
        responseExample: isRecord(successResponse) ? firstExample(successResponse.content) : undefined,
        responseExampleStatus: success?.[0],
        requiresAuth: security ? security.some((requirement) => isRecord(requirement) && Object.keys(requirement).some((name) => bearerSchemes.has(name))) : topLevelSecurity,
        parameters,
        responses: responses
          .map(([status, r]) => {
            const resolved = resolve(root, r);
            return { status, description: isRecord(resolved) ? str(resolved.description) : "" };
          })
          .sort((a, b) => a.status.localeCompare(b.status)),
      });
    }
  }
  return result;
}
