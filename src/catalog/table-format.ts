// Which on-disk format a table file uses, decided by its suffix (ceci's file types: `hdf5`, `pq`).
// lbg hands stages `inprogress_<tag>.<suffix>` paths, so the suffix is always the declared type.

export type TableFormat = "hdf5" | "parquet";

const SUFFIXES: Record<string, TableFormat> = {
  hdf5: "hdf5",
  h5: "hdf5",
  hdf: "hdf5",
  pq: "parquet",
  parquet: "parquet",
};

export function tableFormat(path: string): TableFormat {
  const dot = path.lastIndexOf(".");
  const suffix = dot < 0 ? "" : path.slice(dot + 1).toLowerCase();
  const format = SUFFIXES[suffix];
  if (!format) {
    throw new Error(`${path}: not a table file (expected a suffix among ${Object.keys(SUFFIXES).join(", ")})`);
  }
  return format;
}
