// What stage code threw, in one line, whatever it threw: `throw 42`, `throw null`, an object whose toString
// throws or returns a non-string, a Proxy — none of which may take down the worker reporting it, or be
// reported as the error its own toString raised.
export function describeThrown(e: unknown): { summary: string; detail?: string } {
  try {
    return describe(e);
  } catch {
    return { summary: "a thrown value that cannot be described (every way of reading it throws)" };
  }
}

function describe(e: unknown): { summary: string; detail?: string } {
  if (e instanceof Error) {
    let name = "Error";
    let message = "";
    let stack: string | undefined;
    try {
      name = String(e.name);
      message = String(e.message);
      stack = typeof e.stack === "string" ? e.stack : undefined;
    } catch {
      /* a getter that throws: keep what was read */
    }
    return { summary: `${name}: ${message}`, detail: stack };
  }
  if (e === null || e === undefined || typeof e !== "object") {
    const shown = typeof e === "string" ? JSON.stringify(e.length > 200 ? `${e.slice(0, 200)}...` : e) : String(e);
    return { summary: `a thrown ${e === null ? "null" : typeof e} (not an Error): ${shown}` };
  }
  let kind = "object";
  try {
    const ctor = (e as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof ctor === "string" && ctor && ctor !== "Object") kind = `${ctor} object`;
  } catch {
    /* a Proxy or getter that throws */
  }
  let text: string | undefined;
  try {
    const s = String(e);
    if (s !== "[object Object]") text = s.length > 200 ? `${s.slice(0, 200)}...` : s;
  } catch {
    /* its toString throws: say what it is instead */
  }
  return { summary: `a thrown ${kind} (not an Error)${text === undefined ? "" : `: ${text}`}` };
}
