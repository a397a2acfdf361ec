// @license-portal/client: licensing for a vendor's Node application. See README.md.
export { LicenseClient, fetchPublicKey, type HeartbeatLoopOptions, type LicenseClientOptions } from "./client.js";
export {
  defaultSources,
  fallbackIdentity,
  hashIdentity,
  machineFingerprint,
  machineIdentity,
  osMachineId,
  type FingerprintOptions,
  type FingerprintSources,
  type MachineIdentity,
} from "./fingerprint.js";
export {
  answerGraceEnd,
  decideOffline,
  DEFAULT_CLOCK_TOLERANCE_MS,
  offlineFileEnd,
  type CachedAnswer,
  type CachedOfflineFile,
  type GraceDecision,
  type GraceInput,
} from "./grace.js";
export {
  DEFAULT_MAX_SKEW_MS,
  keyIdOf,
  pinKey,
  ResponseVerifier,
  verifyOfflineFile,
  verifySignature,
  type OfflineFileResult,
  type OfflinePayload,
  type PinnedKey,
  type VerifyFailure,
  type VerifyResult,
} from "./verify.js";
export { defaultCacheDir, FileCache, MemoryCache, type CacheContent, type CacheStore, type StoredAnswer } from "./cache.js";
export * from "./types.js";
