// Which container a stage runs in, as ceci decides it (StageExecutionConfig): the stage entry's own `image:`
// and `volume:` when it has the key (even empty, which means none), else the site's.
import type { SiteModel, StageContainer, StageEntry } from "./run-model.ts";

export function stageContainer(entry: StageEntry, site: SiteModel): StageContainer | undefined {
  const image = entry.image !== undefined ? entry.image : site.image;
  if (!image) return undefined;
  const volume = entry.volume !== undefined ? entry.volume : site.volume;
  return volume ? { image, volume } : { image };
}
