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

/** A class repeated between `min` and `max` times (max Infinity for `+` and `*`). */
export interface Run {
  cls: CharClass;
  min: number;
  max: number;
}
/** A run, or an optional group of runs: `(\.[0-9]+)?`. */
export type Part = Run | { optional: Run[] };

const isRun = (p: Part): p is Run => "cls" in p;
const overlaps = (a: CharClass, b: CharClass) => a.negated || b.negated || a.ranges.some(([f1, t1]) => b.ranges.some(([f2, t2]) => f1 <= t2 && f2 <= t1));

/** The classes a match of `parts` may start with (up to the first part that cannot be empty). */
function firstClasses(parts: readonly Part[]): CharClass[] {
  const out: CharClass[] = [];
  for (const p of parts) {
    if (isRun(p)) {
      out.push(p.cls);
      if (p.min > 0) break;
    } else out.push(...firstClasses(p.optional));
  }
  return out;
}

/**
 * Variable-length patterns that a single left-to-right pass decides (`^-?[0-9]+(\.[0-9]+)?$`, `^[0-9]+$`):
 * runs with `?`, `*`, `+` or `{n}`, and optional groups of them, each followed only by characters it
 * cannot take (so taking as many as it can is never wrong, and a group whose first character is there
 * must match). Undefined for anything else, and for the fixed shapes parseFixedPattern takes.
 */
export function parseRunPattern(pattern: string): Part[] | undefined {
  if (parseFixedPattern(pattern) || !pattern.startsWith("^") || !pattern.endsWith("$")) return undefined;
  const body = pattern.slice(1, -1);
  const parts: Part[] = [];
  let group: Run[] | undefined;
  let i = 0;
  while (i < body.length) {
    if (body[i] === "(" && group === undefined) {
      group = [];
      i += body.startsWith("(?:", i) ? 3 : 1;
      continue;
    }
    if (body[i] === ")" && group !== undefined) {
      if (body[i + 1] !== "?" || group.length === 0) return undefined;
      parts.push({ optional: group });
      group = undefined;
      i += 2;
      continue;
    }
    // One atom, read by the fixed-shape parser: up to the next quantifier.
    let end = i + 1;
    if (body[i] === "\\") end = i + 2;
    else if (body[i] === "[") {
      end = body.indexOf("]", i + 2) + 1;
      if (end === 0) return undefined;
    }
    const atom = parseFixedPattern(`^${body.slice(i, end)}$`);
    if (!atom || atom.length !== 1) return undefined;
    i = end;
    let min = 1;
    let max = 1;
    const q = body[i];
    if (q === "?" || q === "*" || q === "+") {
      [min, max] = q === "?" ? [0, 1] : q === "*" ? [0, Infinity] : [1, Infinity];
      i++;
    } else if (q === "{") {
      const m = /^\{(\d{1,3})\}/.exec(body.slice(i));
      if (!m) return undefined;
      min = max = Number(m[1]);
      i += m[0].length;
    }
    if (body[i] !== undefined && "?*+{".includes(body[i]!)) return undefined;
    (group ?? parts).push({ cls: atom[0]!, min, max });
  }
  if (group !== undefined) return undefined;
  // Each variable run, and each group, must be followed only by what it cannot start with.
  const decided = (seq: readonly Part[], after: readonly Part[]): boolean =>
    seq.every((p, k) => {
      const rest = [...seq.slice(k + 1), ...after];
      const next = firstClasses(rest);
      if (isRun(p)) return p.min === p.max || next.every((c) => !overlaps(p.cls, c));
      return decided(p.optional, rest) && firstClasses(p.optional).every((f) => next.every((c) => !overlaps(f, c)));
    });
  return decided(parts, []) ? parts : undefined;
}

/** A JavaScript test of one code unit `c` against a class: one unsigned comparison per range. */
export function classTest(c: string, { negated, ranges }: CharClass): string {
  const test = ranges.map(([from, to]) => (from === to ? `${c} === ${from}` : `(${c} - ${from} >>> 0) <= ${to - from}`)).join(" || ");
  return negated ? `!(${test})` : ranges.length > 1 ? `(${test})` : test;
}

/** The source of `function (s) {...}` that answers as `new RegExp(pattern).test(s)` for a run pattern. */
export function runPatternSource(parts: readonly Part[]): string {
  let counter = 0;
  const runCode = ({ cls, min, max }: Run): string => {
    const at = classTest("s.charCodeAt(i)", cls);
    if (min === 1 && max === 1) return `if (i >= n || !(${at})) return false; i++;`;
    if (min === max) return `for (let k = 0; k < ${min}; k++) { if (i >= n || !(${at})) return false; i++; }`;
    if (min === 0 && max === 1) return `if (i < n && ${at}) i++;`;
    const from = `from${counter++}`;
    const bound = max === Infinity ? "" : ` && i < ${from} + ${max}`;
    return `const ${from} = i; while (i < n${bound} && ${at}) i++;${min > 0 ? ` if (i < ${from} + ${min}) return false;` : ""}`;
  };
  const body = parts
    .map((p) =>
      isRun(p)
        ? runCode(p)
        : `if (i < n && (${firstClasses(p.optional)
            .map((c) => classTest("s.charCodeAt(i)", c))
            .join(" || ")})) { ${p.optional.map(runCode).join(" ")} }`,
    )
    .join(" ");
  return `function (s) { const n = s.length; let i = 0; ${body} return i === n; }`;
}
