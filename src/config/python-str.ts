// Text of a Jinja2 value as Python prints it: Jinja2 turns values into text with str(), so `{{ x == 'a' }}`
// prints True and `{{ [x, 1] }}` prints ['a', 1] in ceci, where JavaScript would give true and ["a",1].
import type { Value } from "./jinja.ts";
import { pyStrRepr } from "./py-value.ts";

/** Python's repr() of a value, as Jinja2 prints one inside a list or dict. */
function pyRepr(v: Value): string {
  if (v.type === "StringValue") return pyStrRepr(v.value as string);
  return pyStr(v);
}

/** Python's str() of a value: what Jinja2 prints for `{{ value }}`. */
export function pyStr(v: Value): string {
  switch (v.type) {
    case "BooleanValue":
      return v.value ? "True" : "False";
    case "NullValue":
    case "UndefinedValue":
      return "None";
    case "TupleValue": {
      const items = (v.value as Value[]).map(pyRepr);
      return `(${items.join(", ")}${items.length === 1 ? "," : ""})`;
    }
    case "ArrayValue":
      return `[${(v.value as Value[]).map(pyRepr).join(", ")}]`;
    case "ObjectValue":
      return `{${[...(v.value as Map<string, Value>)].map(([k, x]) => `${pyStrRepr(k)}: ${pyRepr(x)}`).join(", ")}}`;
    default:
      return v.toString();
  }
}
