// A YAML document's value as PyYAML gives it to a Python stage, where that differs from the JS value: a float
// written with an integral value (`2.0`, `-0.0`, `1.0e+3`, `!!float 2`) is a PyFloat (py-value.ts), as JS numbers
// cannot tell 2.0 from 2. In YAML 1.1 (PyYAML) a plain float always has a dot (`1e3` is a string), so a numeric
// scalar is a float exactly when its text has one or it is tagged !!float.
import { type Document, type Scalar, visit } from "yaml";
import { PyFloat } from "./py-value.ts";

const FLOAT_TAG = "tag:yaml.org,2002:float";

function integralFloat(node: Scalar): boolean {
  if (typeof node.value !== "number" || !Number.isInteger(node.value)) return false;
  if (node.tag === FLOAT_TAG || node.tag === "!!float") return true;
  const source = (node as Scalar & { source?: unknown }).source;
  return node.type === "PLAIN" && typeof source === "string" && source.includes(".");
}

/** The value with PyFloats, through the library's own toJS (aliases and merge keys as for the plain value);
 *  undefined when the document has no integral float, so the plain value is the Python one. */
export function yamlPyValue(doc: Document.Parsed, toJS: (doc: Document.Parsed) => unknown): unknown {
  const marked: Scalar[] = [];
  visit(doc, {
    Scalar(key, node) {
      // Mapping keys stay as they are: a JS object key is a string anyway.
      if (key !== "key" && integralFloat(node)) marked.push(node);
    },
  });
  if (marked.length === 0) return undefined;
  const saved = marked.map((n) => n.value);
  try {
    // toJS keeps a scalar's value object as it is, so the swapped-in PyFloats come out as such.
    for (const n of marked) n.value = new PyFloat(n.value as number);
    return toJS(doc);
  } finally {
    marked.forEach((n, i) => {
      n.value = saved[i];
    });
  }
}
