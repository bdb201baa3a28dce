/**
 * The feed's per-place plan scans newest-first per display cell where the viewer's radius only clips an area
 * cell (`feedPage`, `displayCellsWithin`): an index on the display cell, like posts_area_feed_idx on the area
 * cell, so each scan reads only posts within the radius.
 */
export default /* sql */ `
CREATE INDEX posts_cell_feed_idx ON posts (cell, id DESC);
`;
