// A copy of a string that owns its characters. A regex capture or a line cut from a 1 MiB chunk
// keeps the whole chunk alive for as long as it is held (as a Map key, in a tally, in evidence);
// flattening a concatenation makes V8 copy just the few characters.
// V8 copies a slice shorter than 13 characters anyway (SlicedString::kMinLength), so a short
// capture such as a pid or an IPv4 address is returned as it is.
export function ownString(text: string): string {
  return text.length < 13 ? text : ` ${text}`.slice(1);
}
