/** JSON.parse with an error that says where: offset, line and column (1-based), for people and for HTTP 400s. */
import { parse as parseTolerantly, type ParseError } from "jsonc-parser";

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
