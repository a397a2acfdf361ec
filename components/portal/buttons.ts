// Shared button looks, so every control on the portal pages has the same focus ring and size.
const base =
  "inline-flex min-h-9 items-center whitespace-nowrap justify-center rounded-md px-3 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed disabled:opacity-60";

export const secondaryButton = `${base} border border-slate-300 bg-white text-slate-900 hover:bg-slate-100`;
export const primaryButton = `${base} bg-indigo-600 text-white hover:bg-indigo-700`;
export const dangerButton = `${base} bg-red-700 text-white hover:bg-red-800`;
export const dangerOutlineButton = `${base} border border-red-300 bg-white text-red-800 hover:bg-red-50`;
