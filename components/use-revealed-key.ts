"use client";

import { useState, useTransition } from "react";

export type RevealKey = (licenseId: string) => Promise<{ key?: string; error?: string }>;

/**
 * A license key fetched from the server only when its owner asks to see or copy
 * it, so the clear key is neither in the page's HTML nor on screen by default.
 */
export function useRevealedKey(licenseId: string, reveal: RevealKey) {
  const [key, setKey] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const fetchKey = () =>
    new Promise<string | null>((resolve) =>
      startTransition(async () => {
        const result = await reveal(licenseId);
        if (result.key) setKey(result.key);
        setMessage(result.error ?? null);
        resolve(result.key ?? null);
      }),
    );

  return {
    key,
    message,
    pending,
    /** Shows the key, or hides it again. */
    toggle: () => (key ? setKey(null) : void fetchKey()),
    /** Copies `text(key)` to the clipboard, fetching the key first when needed; says how it went. */
    copy: async (text: (key: string) => string, said: { done: string; failed: string }) => {
      const value = key ?? (await fetchKey());
      if (!value) return;
      await navigator.clipboard.writeText(text(value)).then(
        () => setMessage(said.done),
        () => setMessage(said.failed),
      );
    },
  };
}
