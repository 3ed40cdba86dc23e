/** The few DOM helpers the pages share: elements, labelled fields, a message area. */

type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string | boolean | undefined>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) element.setAttribute(name, "");
    else if (typeof value === "string") element.setAttribute(name, value);
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

let ids = 0;

export interface FieldOptions {
  readonly name: string;
  readonly label: string;
  readonly help?: string;
  readonly type?: string;
  readonly inputmode?: string;
  readonly autocomplete?: string;
  readonly pattern?: string;
  readonly maxlength?: number;
  readonly minlength?: number;
}

/** A visible label, the input, and its explanation tied to it (read out with the field). */
export function field(options: FieldOptions): HTMLDivElement {
  const id = `f${++ids}-${options.name}`;
  const helpId = `${id}-help`;
  const input = h("input", {
    id,
    name: options.name,
    type: options.type ?? "text",
    required: true,
    inputmode: options.inputmode,
    autocomplete: options.autocomplete ?? "off",
    pattern: options.pattern,
    maxlength: options.maxlength === undefined ? undefined : String(options.maxlength),
    minlength: options.minlength === undefined ? undefined : String(options.minlength),
    "aria-describedby": options.help ? helpId : undefined,
  });
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, options.label),
    options.help ? h("p", { class: "help", id: helpId }, options.help) : null,
    input,
  );
}

/** A form's message area: announced by screen readers when it changes. */
export function messageArea(): HTMLDivElement {
  return h("div", { class: "message", role: "status", "aria-live": "polite" });
}

export function showMessage(area: HTMLElement, text: string, kind: "error" | "success" | "info"): void {
  area.className = `message ${kind}`;
  area.textContent = text;
}

/** The values of a form's fields, by name: trimmed, but a password exactly as typed. */
export function valuesOf(form: HTMLFormElement): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of new FormData(form)) {
    if (typeof value === "string") values[name] = name === "password" ? value : value.trim();
  }
  return values;
}

/** Marks the fields the API named as invalid (and only those), so that they are read out as such. */
export function markInvalid(form: HTMLFormElement, fields: readonly string[]): void {
  for (const input of form.querySelectorAll("input")) {
    if (fields.includes(input.name)) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }
}

/** Disables a form's button while a call runs, so that a double click sends one request. */
export async function busy<T>(form: HTMLFormElement, work: () => Promise<T>): Promise<T> {
  const buttons = [...form.querySelectorAll("button")];
  for (const b of buttons) b.disabled = true;
  try {
    return await work();
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}
