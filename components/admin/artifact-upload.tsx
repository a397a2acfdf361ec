"use client";

import { useRouter } from "next/navigation";
import { useId, useRef, useState } from "react";
import { buttons, fileInput, input } from "./styles";

const PLATFORMS = ["windows", "darwin", "linux", "any"];
const ARCHES = ["x64", "arm64", "universal", "any"];

/**
 * Uploads one file to a release with a progress bar: XHR (fetch reports no upload progress) PUTs the
 * raw bytes to the console's upload route, which streams them to storage and hashes them.
 */
export function ArtifactUpload({ releaseId, label }: { releaseId: string; label: string }) {
  const router = useRouter();
  const fileRef = useRef<HTMLInputElement>(null);
  const [platform, setPlatform] = useState("windows");
  const [arch, setArch] = useState("x64");
  const [signature, setSignature] = useState("");
  const [progress, setProgress] = useState<number | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const ids = useId();

  const upload = () => {
    const file = fileRef.current?.files?.[0];
    if (!file) return setMessage({ ok: false, text: "Choose a file first." });
    const query = new URLSearchParams({ filename: file.name, platform, arch });
    if (signature.trim()) query.set("signature", signature.trim());
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", `/admin/releases/${releaseId}/artifacts?${query}`);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = (e) => e.lengthComputable && setProgress(e.loaded / e.total);
    xhr.onload = () => {
      setProgress(null);
      let body: { sha256?: string; error?: { message?: string } } = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* shown as the status below */
      }
      if (xhr.status === 200 || xhr.status === 201) {
        setMessage({ ok: true, text: `Uploaded ${file.name} (SHA-256 ${body.sha256}).` });
        if (fileRef.current) fileRef.current.value = "";
        router.refresh();
      } else {
        setMessage({ ok: false, text: body.error?.message ?? `Upload failed (HTTP ${xhr.status}).` });
      }
    };
    xhr.onerror = () => {
      setProgress(null);
      setMessage({ ok: false, text: "The upload was interrupted." });
    };
    setMessage(null);
    setProgress(0);
    xhr.send(file);
  };

  return (
    <fieldset className="space-y-2" aria-label={label}>
      <div className="flex flex-wrap items-end gap-2">
        <label className="text-sm" htmlFor={`${ids}-file`}>
          File
          <input id={`${ids}-file`} ref={fileRef} type="file" className={fileInput} />
        </label>
        <label className="text-sm" htmlFor={`${ids}-platform`}>
          Platform
          <select id={`${ids}-platform`} className={input} value={platform} onChange={(e) => setPlatform(e.target.value)}>
            {PLATFORMS.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label className="text-sm" htmlFor={`${ids}-arch`}>
          Architecture
          <select id={`${ids}-arch`} className={input} value={arch} onChange={(e) => setArch(e.target.value)}>
            {ARCHES.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <label className="text-sm" htmlFor={`${ids}-sig`}>
          Updater signature (optional)
          <input id={`${ids}-sig`} className={input} value={signature} onChange={(e) => setSignature(e.target.value)} />
        </label>
        <button type="button" className={buttons.secondary} onClick={upload} disabled={progress !== null}>
          Upload
        </button>
      </div>
      {progress !== null && (
        <progress className="w-full" max={1} value={progress} aria-label={`Uploading: ${Math.round(progress * 100)}%`}>
          {Math.round(progress * 100)}%
        </progress>
      )}
      <p role="status" className={message?.ok === false ? "text-sm text-red-800" : "text-sm text-slate-700"}>
        {message?.text}
      </p>
    </fieldset>
  );
}
