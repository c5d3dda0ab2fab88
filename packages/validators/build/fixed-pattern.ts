/**
 * Short fixed-shape patterns (`^[0-9]{11}$`, `^[A-Z]{3}$`, `^[0-9]{3}-[0-9]{3}-[0-9]{3}$`) compiled to a
 * length check and one comparison per character. Calling a regular expression costs a fixed 15-20 ns in
 * V8 before it reads a character, about as much as comparing a dozen characters in compiled JavaScript,
 * so for strings this short the comparisons win. Anything else stays a regular expression.
 *
 * Accepted: `^`, then single characters, escaped punctuation, `\d`, `\w` and bracket classes of ASCII
 * characters and ranges (negated too), each optionally repeated `{n}` times, then `$`. The semantics are
 * those of a JavaScript RegExp without flags, on UTF-16 code units.
 */

/** One position of the pattern: the code units it accepts. */
export interface CharClass {
  negated: boolean;
  /** Inclusive code-unit ranges. */
  ranges: [number, number][];
}

/** Past this many characters one regular-expression call is cheaper than the comparisons. */
export const MAX_FIXED_LENGTH = 16;

const DIGIT: [number, number][] = [[48, 57]];
const WORD: [number, number][] = [
  [48, 57],
  [65, 90],
  [95, 95],
  [97, 122],
];
/** Characters that mean themselves after a backslash, in and out of brackets. */
const ESCAPABLE = new Set("\\^$.|?*+()[]{}/-");

/** The positions of a fixed-shape pattern, or undefined when the pattern is anything more. */
export function parseFixedPattern(pattern: string): CharClass[] | undefined {
  if (!pattern.startsWith("^")) return undefined;
  const out: CharClass[] = [];
  let i = 1;
  /** The class of an escape at i (just after the backslash), or undefined. */
  const escape = (): [number, number][] | undefined => {
    const c = pattern[i];
    if (c === "d") return DIGIT;
    if (c === "w") return WORD;
    if (c !== undefined && ESCAPABLE.has(c)) return [[c.charCodeAt(0), c.charCodeAt(0)]];
    return undefined;
  };
  while (i < pattern.length) {
    const c = pattern[i]!;
    let atom: CharClass;
    if (c === "$") {
      return i === pattern.length - 1 && out.length > 0 ? out : undefined;
    } else if (c === "\\") {
      i++;
      const ranges = escape();
      if (!ranges) return undefined;
      atom = { negated: false, ranges };
      i++;
    } else if (c === "[") {
      i++;
      const negated = pattern[i] === "^";
      if (negated) i++;
      const ranges: [number, number][] = [];
      while (pattern[i] !== "]") {
        if (i >= pattern.length) return undefined;
        let from: number;
        if (pattern[i] === "\\") {
          i++;
          const r = escape();
          if (!r) return undefined;
          i++;
          if (r.length !== 1 || r[0]![0] !== r[0]![1]) {
            ranges.push(...r);
            continue;
          }
          from = r[0]![0];
        } else {
          if (pattern[i] === "[") return undefined;
          from = pattern.charCodeAt(i++);
        }
        if (pattern[i] === "-" && pattern[i + 1] !== "]" && pattern[i + 1] !== undefined) {
          if (pattern[i + 1] === "\\" || pattern[i + 1] === "[") return undefined;
          const to = pattern.charCodeAt(i + 1);
          if (to < from) return undefined;
          ranges.push([from, to]);
          i += 2;
        } else {
          ranges.push([from, from]);
        }
      }
      i++;
      if (ranges.length === 0) return undefined;
      atom = { negated, ranges };
    } else if ("^.|?*+(){}]".includes(c)) {
      return undefined;
    } else {
      atom = { negated: false, ranges: [[c.charCodeAt(0), c.charCodeAt(0)]] };
      i++;
    }
    if (atom.ranges.some(([from, to]) => from > 127 || to > 127)) return undefined;
    let times = 1;
    if (pattern[i] === "{") {
      const m = /^\{(\d{1,3})\}/.exec(pattern.slice(i));
      if (!m) return undefined;
      times = Number(m[1]);
      i += m[0].length;
    }
    if ("?*+{".includes(pattern[i] ?? "")) return undefined;
    for (let n = 0; n < times; n++) out.push(atom);
    if (out.length > MAX_FIXED_LENGTH) return undefined;
  }
  return undefined;
}
