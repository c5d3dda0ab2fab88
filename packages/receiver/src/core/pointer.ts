/** JSON Pointer segments (RFC 6901): the receiver's one place that escapes and unescapes them. */
export const escapePointerSegment = (segment: string): string => segment.replace(/~/g, "~0").replace(/\//g, "~1");

export const unescapePointerSegment = (segment: string): string => segment.replace(/~1/g, "/").replace(/~0/g, "~");
