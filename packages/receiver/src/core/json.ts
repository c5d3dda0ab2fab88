/** JSON.parse with an error that says where: offset, line and column (1-based), for people and for HTTP 400s. */
import { parse as parseTolerantly, type ParseError, visit } from "jsonc-parser";
import { escapePointerSegment } from "./pointer.js";

export interface JsonSyntaxError {
  message: string;
  /** Offset in the text (UTF-16 code units) where parsing failed. */
  position: number;
  line: number;
  column: number;
}

export type JsonParseResult = { ok: true; value: unknown } | { ok: false; error: JsonSyntaxError };

export function lineAndColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: position - lineStart + 1 };
}

export function parseJson(text: string): JsonParseResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    // V8 names the position for most errors ("... at position N") but not for an unexpected token;
    // jsonc-parser (strict settings) finds the offset then.
    const match = /at position (\d+)/.exec(reason);
    let position = match ? Number(match[1]) : -1;
    let detail = reason.replace(/\s*(in JSON )?at position \d+.*$/s, "");
    if (position < 0) {
      const errors: ParseError[] = [];
      parseTolerantly(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
      const first = errors[0];
      position = first ? first.offset : text.length;
      detail = reason.replace(/, ".*" is not valid JSON$/s, "").replace(/^Unexpected end of JSON input$/, "unexpected end of input");
    }
    const { line, column } = lineAndColumn(text, position);
    return { ok: false, error: { message: `malformed JSON at line ${line}, column ${column}: ${detail}`, position, line, column } };
  }
}

export interface DuplicateKey {
  /** JSON Pointer of the key (its later occurrence is the one JSON.parse keeps). */
  pointer: string;
  first: { line: number; column: number };
  second: { line: number; column: number };
}

/**
 * Keys written twice in one object of a (valid) JSON text: JSON.parse keeps the last silently, so a
 * configuration file's second `"secrets"` would replace the first unseen. For configuration files only:
 * a second pass over the text, which a request body never pays.
 */
export function duplicateKeys(text: string): DuplicateKey[] {
  const out: DuplicateKey[] = [];
  // One map per open object: key -> where it was first written (1-based).
  const open: Map<string, { line: number; column: number }>[] = [];
  visit(
    text,
    {
      onObjectBegin: () => void open.push(new Map()),
      onObjectEnd: () => void open.pop(),
      onObjectProperty(key, _offset, _length, startLine, startCharacter, pathSupplier) {
        const seen = open[open.length - 1]!;
        const here = { line: startLine + 1, column: startCharacter + 1 };
        const first = seen.get(key);
        if (!first) return void seen.set(key, here);
        const pointer = [...pathSupplier(), key].map((s) => `/${escapePointerSegment(String(s))}`).join("");
        out.push({ pointer, first, second: here });
      },
    },
    { disallowComments: true, allowTrailingComma: false },
  );
  return out;
}
