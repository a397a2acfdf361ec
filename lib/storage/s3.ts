// Artifacts in any S3-compatible store (AWS S3, MinIO, R2, …) through the
// official AWS SDK v3. Uploads stream: one PutObject when the length is known
// (the request's Content-Length), else a multipart upload in parts of
// PART_SIZE bytes, so at most one part is held in memory. Downloads are
// presigned GETs, so the bytes never pass through the portal.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { Readable } from "node:stream";
import { contentDisposition } from "./content-disposition";
import type { BlobStore, ByteRange } from "./types";

/** S3's minimum part size is 5 MiB (except the last part). */
const PART_SIZE = 5 * 1024 * 1024;

export type S3StoreConfig = {
  bucket: string;
  /** e.g. http://127.0.0.1:4569 for a local server; unset: AWS itself */
  endpoint?: string;
  region: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** path-style URLs (http://host/bucket/key): what MinIO and most self-hosted stores need */
  forcePathStyle: boolean;
  /** prepended to every key, so one bucket can hold several portals */
  prefix: string;
};

/** The store's settings from S3_BUCKET, S3_ENDPOINT, S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_FORCE_PATH_STYLE, S3_PREFIX. */
export function s3ConfigFromEnv(env: NodeJS.ProcessEnv = process.env): S3StoreConfig | null {
  const bucket = env.S3_BUCKET?.trim();
  if (!bucket) return null;
  const endpoint = env.S3_ENDPOINT?.trim() || undefined;
  const accessKeyId = env.S3_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.S3_SECRET_ACCESS_KEY?.trim();
  return {
    bucket,
    endpoint,
    region: env.S3_REGION?.trim() || "us-east-1",
    // Without explicit keys the SDK's default chain applies (AWS_* variables, instance roles, …).
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
    forcePathStyle: env.S3_FORCE_PATH_STYLE ? env.S3_FORCE_PATH_STYLE !== "0" : endpoint !== undefined,
    prefix: env.S3_PREFIX?.trim() ?? "",
  };
}

export class S3Store implements BlobStore {
  readonly kind = "s3" as const;
  readonly client: S3Client;

  constructor(private readonly config: S3StoreConfig) {
    const options: S3ClientConfig = {
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      credentials: config.credentials,
      // The SDK's default CRC checksums stream as aws-chunked trailers, which many
      // S3-compatible servers do not speak; S3 checks Content-MD5/length anyway.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    };
    this.client = new S3Client(options);
  }

  private key(key: string): string {
    return this.config.prefix + key;
  }

  async put(key: string, body: Readable, size?: number): Promise<void> {
    if (size !== undefined) {
      await this.client.send(
        new PutObjectCommand({ Bucket: this.config.bucket, Key: this.key(key), Body: body, ContentLength: size }),
      );
      return;
    }
    await this.putMultipart(key, body);
  }

  private async putMultipart(key: string, body: Readable): Promise<void> {
    const Bucket = this.config.bucket;
    const Key = this.key(key);
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const parts: { ETag: string; PartNumber: number }[] = [];
    try {
      let pending: Buffer[] = [];
      let pendingSize = 0;
      const flush = async () => {
        const PartNumber = parts.length + 1;
        const chunk = Buffer.concat(pending, pendingSize);
        pending = [];
        pendingSize = 0;
        const { ETag } = await this.client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body: chunk }));
        parts.push({ ETag: ETag!, PartNumber });
      };
      for await (const chunk of body as AsyncIterable<Buffer>) {
        pending.push(chunk);
        pendingSize += chunk.length;
        if (pendingSize >= PART_SIZE) await flush();
      }
      if (pendingSize > 0 || parts.length === 0) await flush();
      await this.client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }));
    } catch (error) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => {});
      throw error;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable | null> {
    try {
      const answer = await this.client.send(
        new GetObjectCommand({
          Bucket: this.config.bucket,
          Key: this.key(key),
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      return answer.Body as Readable;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === "NoSuchKey") return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: this.key(key) }));
  }

  async directUrl(key: string, opts: { filename: string; expiresInSeconds: number }): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.config.bucket,
      Key: this.key(key),
      ResponseContentDisposition: contentDisposition(opts.filename),
      ResponseContentType: "application/octet-stream",
    });
    return getSignedUrl(this.client, command, { expiresIn: opts.expiresInSeconds });
  }
}
