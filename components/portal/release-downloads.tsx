// The license page's downloads: the newest release per platform with a button
// per file, and the history of every release this license may download.
import type { LicenseDownloads, PortalRelease } from "@/lib/releases/portal";
import { formatDate } from "../format";

const PLATFORM_NAMES: Record<string, string> = { windows: "Windows", darwin: "macOS", linux: "Linux", any: "All platforms" };
const size = (n: number) => (n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

function Files({ licenseId, release }: { licenseId: string; release: PortalRelease }) {
  return (
    <ul className="space-y-1">
      {release.artifacts.map((a) => (
        <li key={a.id} className="flex flex-wrap items-center gap-2 text-sm">
          <a
            href={`/account/licenses/${licenseId}/downloads/${a.id}`}
            className="inline-flex min-h-9 items-center rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
            aria-label={`Download ${a.filename}`}
          >
            Download
          </a>
          <span className="font-mono break-all">{a.filename}</span>
          <span className="text-slate-600">
            {a.arch === "any" ? "" : `${a.arch}, `}
            {size(a.size)}
          </span>
          <span className="block w-full font-mono text-xs break-all text-slate-500">SHA-256 {a.sha256}</span>
        </li>
      ))}
    </ul>
  );
}

export function ReleaseDownloads({ licenseId, downloads }: { licenseId: string; downloads: LicenseDownloads }) {
  if (downloads.history.length === 0) {
    return <p className="rounded-lg border border-slate-200 bg-white p-5 text-sm text-slate-700">No downloads are available for this license.</p>;
  }
  return (
    <div className="space-y-4">
      <ul className="grid gap-4 sm:grid-cols-2">
        {downloads.latest.map(({ platform, release }) => (
          <li key={platform} className="space-y-2 rounded-lg border border-slate-200 bg-white p-4" data-platform={platform}>
            <h3 className="font-semibold">
              {PLATFORM_NAMES[platform] ?? platform} — {release.version}
            </h3>
            <p className="text-xs text-slate-600">Released {formatDate(release.publishedAt, false)}</p>
            <Files licenseId={licenseId} release={release} />
          </li>
        ))}
      </ul>
      <details className="rounded-lg border border-slate-200 bg-white">
        <summary className="cursor-pointer px-4 py-3 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-600">
          All releases ({downloads.history.length})
        </summary>
        <ol className="divide-y divide-slate-200 border-t border-slate-200">
          {downloads.history.map((release) => (
            <li key={release.id} className="space-y-2 p-4">
              <h3 className="font-semibold">
                {release.version} <span className="text-xs font-normal text-slate-600">{release.channel} · {formatDate(release.publishedAt, false)}</span>
              </h3>
              {release.notes && <p className="text-sm whitespace-pre-line text-slate-700">{release.notes}</p>}
              <Files licenseId={licenseId} release={release} />
            </li>
          ))}
        </ol>
      </details>
    </div>
  );
}
