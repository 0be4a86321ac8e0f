// A word of a command line as a POSIX shell reads it back: how lbg shows commands (`lbg build -n`, the
// `command` of a stage-start event, a command stage's log header) and writes them into scripts (the Slurm
// batch script), one rule for all so that what is shown is what runs.

/** `s` bare when it has nothing the shell treats specially, else in single quotes (a `'` as `'\''`). */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}
