import type { Metadata } from "next";
import { AuditTable } from "@/components/admin/audit-table";
import { SelectField, TextField } from "@/components/admin/fields";
import { Pagination } from "@/components/admin/pagination";
import { SearchForm } from "@/components/admin/search-form";
import { ACTOR_TYPES, auditSearchSchema, listAudit } from "@/lib/admin/audit-log";
import { requireAdmin } from "@/lib/admin/guard";

export const metadata: Metadata = { title: "Audit log" };

const ACTOR_TEXT: Record<string, string> = { user: "A person (console)", admin_token: "An API token", env_token: "ADMIN_API_TOKEN", stripe: "Stripe", system: "The system" };

export default async function AuditPage(props: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requireAdmin("/admin/audit");
  const search = auditSearchSchema.parse(await props.searchParams);
  const page = await listAudit(search);
  const { page: _page, ...filters } = search;
  return (
    <div className="space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">Audit log</h1>
      <SearchForm label="Filter the audit log" submit="Filter" clearHref="/admin/audit" layout="grid sm:grid-cols-2 lg:grid-cols-4">
        <TextField name="action" label="Action starts with" defaultValue={search.action} placeholder="license." scope="audit" />
        <SelectField name="actorType" label="Done by" defaultValue={search.actorType ?? ""} scope="audit" options={[{ value: "", label: "Anyone" }, ...ACTOR_TYPES.map((t) => ({ value: t, label: ACTOR_TEXT[t] ?? t }))]} />
        <TextField name="actor" label="Who (email, token name or id)" defaultValue={search.actor} scope="audit" />
        <TextField name="targetType" label="Target type" defaultValue={search.targetType} placeholder="license" scope="audit" />
        <TextField name="targetId" label="Target id" defaultValue={search.targetId} scope="audit" />
        <TextField name="ip" label="From address" defaultValue={search.ip} scope="audit" />
        <TextField name="from" type="date" label="From day (UTC)" defaultValue={search.from} scope="audit" />
        <TextField name="to" type="date" label="To day (UTC)" defaultValue={search.to} scope="audit" />
      </SearchForm>
      <AuditTable rows={page.items} caption="Audit log, newest first" />
      <Pagination basePath="/admin/audit" params={filters} page={page.page} pageCount={page.pageCount} total={page.total} totalCapped={page.totalCapped} noun={["entry", "entries"]} />
    </div>
  );
}
