"use client";

// Labelled form fields for the console's forms: every input has a visible label
// and an optional hint tied to it with aria-describedby. The label is a sibling,
// not a wrapper, so a control's name is the label alone (not its options or hint).
// Inside an ActionForm a field shows the problem its last answer named beside
// itself, marked aria-invalid and tied to the control like the hint.
import type { ReactNode } from "react";
import { useFieldError } from "./field-errors";
import { input } from "./styles";

type Common = { name: string; label: string; hint?: ReactNode; required?: boolean; className?: string };

function Label({ id, label, required }: { id: string; label: string; required?: boolean }) {
  return (
    <label htmlFor={id} className="block font-medium text-slate-800">
      {label}
      {required && <span aria-hidden="true"> *</span>}
    </label>
  );
}

function Hint({ id, children }: { id: string; children?: ReactNode }) {
  return children ? (
    <span id={id} className="block text-xs text-slate-500">
      {children}
    </span>
  ) : null;
}

const fieldId = (name: string, scope?: string) => `f-${scope ?? "x"}-${name}`;

function FieldError({ id, message }: { id: string; message?: string }) {
  return message ? (
    <span id={id} className="block text-sm font-medium text-red-700">
      ✗ {message}
    </span>
  ) : null;
}

/** aria-describedby and aria-invalid for a control with an optional hint and an optional problem. */
function described(id: string, hint: ReactNode, error: string | undefined) {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return { "aria-describedby": ids || undefined, "aria-invalid": error ? (true as const) : undefined };
}

const invalid = "border-red-600";

export function TextField(props: Common & { type?: "text" | "email" | "number" | "date"; defaultValue?: string | number | null; placeholder?: string; min?: number; max?: number; step?: string; scope?: string }) {
  const id = fieldId(props.name, props.scope);
  const error = useFieldError(props.name);
  return (
    <div className={`space-y-1 text-sm ${props.className ?? ""}`}>
      <Label id={id} label={props.label} required={props.required} />
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        required={props.required}
        defaultValue={props.defaultValue ?? undefined}
        placeholder={props.placeholder}
        min={props.min}
        max={props.max}
        step={props.step}
        {...described(id, props.hint, error)}
        className={error ? `${input} ${invalid}` : input}
      />
      <FieldError id={`${id}-error`} message={error} />
      <Hint id={`${id}-hint`}>{props.hint}</Hint>
    </div>
  );
}

export function TextArea(props: Common & { defaultValue?: string; rows?: number; scope?: string }) {
  const id = fieldId(props.name, props.scope);
  const error = useFieldError(props.name);
  return (
    <div className={`space-y-1 text-sm ${props.className ?? ""}`}>
      <Label id={id} label={props.label} />
      <textarea id={id} name={props.name} rows={props.rows ?? 3} defaultValue={props.defaultValue} {...described(id, props.hint, error)} className={error ? `${input} ${invalid}` : input} />
      <FieldError id={`${id}-error`} message={error} />
      <Hint id={`${id}-hint`}>{props.hint}</Hint>
    </div>
  );
}

export function SelectField(props: Common & { options: { value: string; label: string }[]; defaultValue?: string; scope?: string }) {
  const id = fieldId(props.name, props.scope);
  const error = useFieldError(props.name);
  return (
    <div className={`space-y-1 text-sm ${props.className ?? ""}`}>
      <Label id={id} label={props.label} required={props.required} />
      <select id={id} name={props.name} defaultValue={props.defaultValue} required={props.required} {...described(id, props.hint, error)} className={error ? `${input} ${invalid}` : input}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldError id={`${id}-error`} message={error} />
      <Hint id={`${id}-hint`}>{props.hint}</Hint>
    </div>
  );
}

export function Checkbox(props: Common & { defaultChecked?: boolean; scope?: string }) {
  const id = fieldId(props.name, props.scope);
  const error = useFieldError(props.name);
  return (
    <div className={`space-y-1 text-sm ${props.className ?? ""}`}>
      <label htmlFor={id} className="flex items-center gap-2">
        <input id={id} name={props.name} type="checkbox" defaultChecked={props.defaultChecked} {...described(id, props.hint, error)} className="size-4" />
        <span className="font-medium text-slate-800">{props.label}</span>
      </label>
      <FieldError id={`${id}-error`} message={error} />
      <Hint id={`${id}-hint`}>{props.hint}</Hint>
    </div>
  );
}
