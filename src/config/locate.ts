// Finds the line of `key` inside the TOML table `table` (e.g. "jails.sshd"), so that a value
// that parses but makes no sense can be reported as file:line.
export function locateKey(text: string, table: string, key?: string): number | undefined {
  const lines = text.split('\n');
  let current = '';
  let tableLine: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const header = /^\[\s*([^\]]+?)\s*\]/.exec(line);
    if (header) {
      current = header[1]!.replace(/\s*\.\s*/g, '.').replace(/"/g, '');
      if (current === table && tableLine === undefined) tableLine = i + 1;
      continue;
    }
    if (key !== undefined && current === table && new RegExp(`^"?${escape(key)}"?\\s*=`).test(line)) return i + 1;
  }
  return tableLine;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}
