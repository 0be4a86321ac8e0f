// File names, folders and Slurm values that lbg writes somewhere (a path, an #SBATCH line) must not hold
// control characters: a newline would add a line of its own, and a terminal would show a name that is not
// the file's. Written as a loop, not a regular expression, so no pattern holds control characters itself.

/** Whether `s` contains a C0 control character (U+0000–U+001F) or DEL (U+007F). */
export function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
