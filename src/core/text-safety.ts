// Log lines, file names and whois answers are written by strangers: characters that steer a
// terminal or a mail reader, or hide or reorder text, never reach a screen as they are. The set:
// C0 controls (tab aside: real logs use it, and it moves the cursor only forward), DEL, C1
// controls (U+0085 NEL, U+009B CSI), the soft hyphen, bidi marks, embeddings, overrides and
// isolates (U+061C, U+200E/F, U+202A-U+202E, U+2066-U+2069), line and paragraph separators
// (U+2028/9), and invisible format characters (zero-width U+200B-U+200D, U+180E, U+2060-U+2064,
// U+206A-U+206F, U+FEFF, U+FFF9-U+FFFB, tag characters U+E0000-U+E007F).
const UNSAFE_CLASS = '\\u0000-\\u0008\\u000a-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb\\u{e0000}-\\u{e007f}';
const UNSAFE = new RegExp(`[${UNSAFE_CLASS}]`, 'gu');

// The same set less the newline: a whole output's lines stay lines.
const UNSAFE_IN_OUTPUT = new RegExp(`[${UNSAFE_CLASS.replace('\\u000a-\\u001f', '\\u000b-\\u001f')}]`, 'gu');

// What JSON.stringify leaves raw of that set (it escapes C0 itself): DEL and everything above.
const UNSAFE_IN_JSON = new RegExp(`[${UNSAFE_CLASS.replace('\\u0000-\\u0008\\u000a-\\u001f', '')}]`, 'gu');

// Colour and weight only (SGR: ESC [ digits ; m), as chalk writes them for a terminal.
const SGR = /\u001b\[[0-9;]*m/y;

// Terminal escape sequences as a whole (CSI: colour, cursor; OSC: window title), so no "[31m"
// or "]0;title" is left over.
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g;

const hex = (code: number, width: number) => code.toString(16).padStart(width, '0');

// \x1b for the first 256 code points, \u202e for the rest of the BMP, \u{e0041} above it.
function visible(c: string): string {
  const code = c.codePointAt(0)!;
  if (code < 0x100) return `\\x${hex(code, 2)}`;
  return code <= 0xffff ? `\\u${hex(code, 4)}` : `\\u{${code.toString(16)}}`;
}

// Shows each unsafe character of one value as an escape (\x1b, \u202e), so the evidence stays
// readable and honest; a newline inside the value is shown too.
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, visible);
}

// The last step of every text a command prints: each unsafe character escaped, newlines kept.
// `keepColour` lets the SGR sequences of a styled report through (for a terminal only); any other
// escape sequence is still shown as text.
export function escapeOutput(text: string, keepColour = false): string {
  if (!keepColour) return text.replace(UNSAFE_IN_OUTPUT, visible);
  return text.replace(UNSAFE_IN_OUTPUT, (c, at: number) => {
    SGR.lastIndex = at;
    return c === '\u001b' && SGR.test(text) ? c : visible(c);
  });
}

// JSON.stringify whose text carries none of the unsafe characters raw: they are written as JSON
// escapes (\u202e, \u0085, a surrogate pair above U+FFFF), so `jq -r` still gives the original
// while a terminal or a mail reader showing the JSON sees no control.
export function safeJson(value: unknown, indent?: number): string {
  return escapeJsonText(JSON.stringify(value, null, indent) ?? 'null');
}

// The escaping of safeJson for JSON text made elsewhere (a document written in pieces, each
// piece whole values: a surrogate pair is never cut).
export function escapeJsonText(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => {
    let out = '';
    for (let i = 0; i < c.length; i++) out += `\\u${hex(c.charCodeAt(i), 4)}`;
    return out;
  });
}

// Removes unsafe characters outright (for short values such as a network name).
export function stripUnsafe(text: string): string {
  return text.replace(ESCAPES, '').replace(UNSAFE, '');
}

// Caps a string at `max` characters, saying how much was cut.
export function capLength(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}... [${text.length - max} more characters]`;
}
