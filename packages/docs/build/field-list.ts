/**
 * A message's fields as a nested list that folds: each object's fields under a `<details>` of their own
 * (open for the payload's first level, closed deeper), every field an anchor (`#field-payload.price.total`)
 * that opens the folds around it. A list, not a table, so that it reads in one column on a phone.
 */
import { type FieldRow, fieldAnchor } from "./fields.ts";
import { unreleasedLabel } from "./changelog.ts";
import { esc, inline, text } from "./html.ts";

export const fieldId = (row: Pick<FieldRow, "path">): string => fieldAnchor(row.path);

/** "added in" and "changed in" marks, by the field's pointer (from the changelog). */
export type FieldMarks = ReadonlyMap<string, { added?: string; changed?: readonly string[] }>;

interface Node {
  row: FieldRow;
  children: Node[];
}

/** The flat rows (depth-first, with depths) as a tree. */
export function fieldTree(rows: readonly FieldRow[]): Node[] {
  const top: Node[] = [];
  const stack: Node[] = [];
  for (const row of rows) {
    // site.js reads each field's pointer back from its id: a name with "." or "[" would make it ambiguous.
    const name = row.pointer.slice(row.pointer.lastIndexOf("/") + 1);
    if (/[.[\]]/.test(name)) throw new Error(`field ${row.pointer}: a "." or "[" in a property name breaks the field anchors`);
    const node = { row, children: [] };
    stack.length = row.depth;
    (row.depth === 0 ? top : stack[row.depth - 1]!.children).push(node);
    stack[row.depth] = node;
  }
  return top;
}

function valuesLine(row: FieldRow): string {
  if (!row.values) return "";
  const list = row.values.list.map((v) => `<code>${text(JSON.stringify(v))}</code>`);
  const shown =
    list.length > 14
      ? `${list.slice(0, 12).join(" ")} <details class="more"><summary>${list.length - 12} more</summary>${list.slice(12).join(" ")}</details>`
      : list.join(" ");
  const label = row.values.kind === "open" ? "Known values (open list)" : row.values.kind === "const" ? "Always" : "One of";
  return `<p class="values"><span class="label">${label}:</span> ${shown}</p>`;
}

function evidenceLine(row: FieldRow): string {
  // What each kind means is said once, in the page's Evidence section: every field would repeat it.
  if (row.inferred.length === 0) return `<span class="doc">documented</span>`;
  return `<span class="inf">inferred: ${row.inferred.map(esc).join("; ")}</span>`;
}

function marksLine(pointer: string, marks: FieldMarks | undefined): string {
  const mark = marks?.get(pointer);
  if (!mark) return "";
  const when = (v: string) => (v === unreleasedLabel ? "since the last release" : `in ${esc(v)}`);
  const parts = [
    ...(mark.added ? [`<span class="mark added">added ${when(mark.added)}</span>`] : []),
    ...(mark.changed ?? []).map((v) => `<span class="mark changed">changed ${when(v)}</span>`),
  ];
  return parts.join("");
}

function fieldItem(node: Node, marks: FieldMarks | undefined): string {
  const { row } = node;
  const name = row.path.slice(row.path.lastIndexOf(".") + 1);
  const flags = `${row.required ? '<b class="req">required</b>' : "<b>optional</b>"}${row.nullable ? "<b>nullable</b>" : ""}`;
  const format = row.format ? `<p class="format"><span class="label">Format:</span> <code>${esc(row.format)}</code></p>` : "";
  const children = node.children.length
    ? `<details class="children"${row.depth === 0 ? " open" : ""}><summary>${node.children.length} field${node.children.length === 1 ? "" : "s"} of <code>${esc(name)}</code></summary><ul class="fields">${node.children.map((c) => fieldItem(c, marks)).join("")}</ul></details>`
    : "";
  // Markup kept lean (classes on the list, not on each field; site.js adds each field's data-pointer from
  // its id): Ivy's order_updated has 190 fields.
  return `<li id="${esc(fieldId(row))}"><div><a href="#${esc(fieldId(row))}"><code>${esc(name)}</code></a><i>${esc(row.type)}</i>${flags}${evidenceLine(row)}${marksLine(row.pointer, marks)}</div>${row.description ? `<p>${inline(row.description)}</p>` : ""}${valuesLine(row)}${format}${children}</li>`;
}

export function fieldList(rows: readonly FieldRow[], marks?: FieldMarks): string {
  return `<div class="fold-controls"><button type="button" data-fold="open">Expand all</button><button type="button" data-fold="close">Collapse all</button></div><ul class="fields top">${fieldTree(
    rows,
  )
    .map((n) => fieldItem(n, marks))
    .join("\n")}</ul>`;
}
