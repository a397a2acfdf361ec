// The console's shared looks: one focus ring and size for every control, one card and table style.
const control =
  "inline-flex min-h-9 items-center justify-center rounded-md px-3 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed disabled:opacity-60";

export const buttons = {
  primary: `${control} bg-indigo-600 text-white hover:bg-indigo-700`,
  secondary: `${control} border border-slate-300 bg-white text-slate-900 hover:bg-slate-100`,
  danger: `${control} bg-red-700 text-white hover:bg-red-800`,
  dangerOutline: `${control} border border-red-300 bg-white text-red-800 hover:bg-red-50`,
} as const;

export type ButtonVariant = keyof typeof buttons;

export const card = "rounded-lg border border-slate-200 bg-white p-5";
export const input =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600";
/** A file picker whose button looks like one (the browser's own reads as plain text on the page). */
export const fileInput =
  "mt-1 block w-full max-w-full text-sm text-slate-700 file:mr-3 file:cursor-pointer file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-slate-900 hover:file:bg-slate-100";
export const link = "font-medium text-indigo-700 underline hover:text-indigo-900";
export const th = "px-3 py-2 text-left text-xs font-semibold tracking-wide whitespace-nowrap text-slate-600 uppercase";
export const td = "px-3 py-2 align-top";
