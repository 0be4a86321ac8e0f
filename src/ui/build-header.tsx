// The live area's first line: which run is building, from which pipelines, and how the stages divide up so
// far (fresh / to run / total; "to run" shrinks as unreported stages turn out fresh or blocked).
import { Text } from "ink";
import type { BuildCounts, CurrentBuild } from "./build-state.ts";

export function BuildHeader({ build, counts }: { build: CurrentBuild; counts: BuildCounts }) {
  return (
    <Text wrap="truncate-end">
      <Text bold>{`${build.dryRun ? "dry run of" : "building"} ${build.run}`}</Text>
      <Text dimColor>{` (${build.pipelines.join(", ")})${build.selection ? ` ${build.selection}` : ""}`}</Text>
      {`  ${counts.fresh} fresh · ${counts.toRun} to run · ${counts.total} total`}
      <Text dimColor>{`  -j ${build.jobs}`}</Text>
    </Text>
  );
}
