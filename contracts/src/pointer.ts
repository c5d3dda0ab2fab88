/** JSON Pointers (RFC 6901), as the contracts name fields: `x-discriminator`, `x-delivery-key`, error paths. */

/** The reference tokens of `pointer`, unescaped (`~1` is `/`, `~0` is `~`); `""` is the whole document. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new Error(`not a JSON Pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** The pointer of `segments`, each escaped. */
export function pointerOf(segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${String(s).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}
