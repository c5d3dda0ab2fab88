/**
 * How a provider's or message's name (an AsyncAPI channel or message id such as `amplia-reg` or
 * `user_payout.paid`) becomes the names in generated code, environment variables and HTML.
 */

/** `amplia-reg` → `AmpliaReg`: prefix of a provider's type names. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");
}

/** `amplia-reg` → `ampliaReg`: a provider's identifier in generated code. */
export function camelCase(name: string): string {
  return name.replace(/[^A-Za-z0-9]+(.)/g, (_m, c: string) => c.toUpperCase()).replace(/^[A-Z]/, (c) => c.toLowerCase());
}

/** `amplia-reg`, `apiKeys` → `AMPLIA_REG_API_KEYS`: the part of an environment variable's name. */
export function constantCase(...names: string[]): string {
  return names
    .map((n) =>
      n
        .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
        .replace(/[^A-Za-z0-9]+/g, "_")
        .toUpperCase(),
    )
    .join("_");
}

/** Text for HTML and SVG, in elements or double-quoted attributes (the only quoting we generate). */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
