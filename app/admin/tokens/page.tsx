import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/admin/action-form";
import { TextField } from "@/components/admin/fields";
import { formatDate } from "@/components/format";
import { Section } from "@/components/admin/section";
import { card, link, td } from "@/components/admin/styles";
import { Table } from "@/components/admin/table";
import { listApiTokens } from "@/lib/admin/api-tokens";
import { requireAdmin } from "@/lib/admin/guard";
import { createApiToken, revokeApiToken } from "../actions";

export const metadata: Metadata = { title: "API tokens" };

export default async function TokensPage() {
  await requireAdmin("/admin/tokens");
  const tokens = await listApiTokens();
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-3xl font-bold tracking-tight">Admin API tokens</h1>
        <p className="text-sm text-slate-700">
          Bearer tokens for the admin API (<code className="font-mono">/api/v1/admin/…</code>, see the{" "}
          <Link href="/docs/api" className={link}>
            API docs
          </Link>
          ). A token is shown once when created; only a hash of it is kept.
        </p>
      </div>

      <Section id="new-token" title="New token">
        <div className={card}>
          <ActionForm action={createApiToken} submit="Create token" secretLabel="Your new token. Copy it now: it is not shown again." fieldLabels={{ name: "Name" }}>
            <TextField name="name" label="Name" required scope="token" hint="Who or what will use it, e.g. “CI deploys”." />
          </ActionForm>
        </div>
      </Section>

      <Section id="tokens" title="Tokens">
        <Table
          caption="Admin API tokens"
          empty={tokens.length === 0 ? "No tokens yet. The ADMIN_API_TOKEN environment value, when set, works too." : undefined}
          columns={["Name", "Ends with", "Created", "Last used", "State", { srOnly: "Actions" }]}
        >
          {tokens.map((t) => (
            <tr key={t.id} data-token={t.id}>
              <th scope="row" className={`${td} text-left`}>
                {t.name}
                {t.createdBy && <span className="block text-xs font-normal text-slate-500">by {t.createdBy}</span>}
              </th>
              <td className={`${td} font-mono`}>…{t.hint}</td>
              <td className={`${td} whitespace-nowrap`}>{formatDate(t.createdAt)}</td>
              <td className={`${td} whitespace-nowrap`}>{t.lastUsedAt ? formatDate(t.lastUsedAt) : "Never"}</td>
              <td className={td}>{t.revokedAt ? `Revoked ${formatDate(t.revokedAt)}` : "Active"}</td>
              <td className={td}>
                {!t.revokedAt && (
                  <ActionForm
                    action={revokeApiToken}
                    hidden={{ tokenId: t.id }}
                    submit="Revoke…"
                    submitLabel={`Revoke token ${t.name}`}
                    confirm={{ question: "Revoke? Anything using it stops working at once.", yes: "Yes, revoke" }}
                  />
                )}
              </td>
            </tr>
          ))}
        </Table>
      </Section>
    </div>
  );
}
