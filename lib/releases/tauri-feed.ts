// Tauri v2's updater (tauri-apps/plugins-workspace, plugins/updater; v2 docs "Updater",
// "Dynamic Update Server"): the app calls its endpoint with {{target}}, {{arch}} and
// {{current_version}} filled in and expects 204 No Content when there is no update,
// else 200 {version, notes, pub_date (RFC 3339), url, signature}, `signature` being the
// content of the `.sig` file the Tauri bundler wrote (checked with the app's public key).
import type { Arch, Platform } from "./schemas";
import type { ArtifactRecord } from "./offers";

/** Tauri's {{target}} values (the OS) as our platforms. */
const TARGETS: Record<string, Platform> = { darwin: "darwin", macos: "darwin", linux: "linux", windows: "windows" };
/** Tauri's {{arch}} values (Rust's target_arch names) as our architectures; others have no builds here. */
const ARCHES: Record<string, Arch> = { x86_64: "x64", aarch64: "arm64" };

export function tauriPlatform(target: string): Platform | null {
  return TARGETS[target.toLowerCase()] ?? null;
}

export function tauriArch(arch: string): Arch | null {
  return ARCHES[arch.toLowerCase()] ?? null;
}

// Tauri's updater bundles, by platform, preferred first.
const BUNDLES: Record<string, string[]> = {
  darwin: [".app.tar.gz"],
  linux: [".AppImage", ".AppImage.tar.gz", ".deb", ".rpm"],
  windows: ["-setup.exe", ".msi", ".exe", ".nsis.zip", ".msi.zip"],
};

/**
 * The artifact a Tauri updater should install, among those that fit: it must carry a signature (the
 * updater refuses unsigned ones); an exact architecture beats `universal`, which beats `any`; then the
 * platform's usual bundle type.
 */
export function pickTauriArtifact(artifacts: ArtifactRecord[], platform: Platform, arch: Arch): ArtifactRecord | null {
  const archRank = (a: ArtifactRecord) => (a.arch === arch ? 0 : a.arch === "universal" ? 1 : 2);
  const bundles = BUNDLES[platform] ?? [];
  const bundleRank = (a: ArtifactRecord) => {
    const i = bundles.findIndex((suffix) => a.filename.endsWith(suffix));
    return i === -1 ? bundles.length : i;
  };
  const signed = artifacts.filter((a) => a.signature);
  signed.sort((a, b) => archRank(a) - archRank(b) || bundleRank(a) - bundleRank(b));
  return signed[0] ?? null;
}
