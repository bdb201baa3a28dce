/**
 * A report names the community rule it says a post breaks (issue 10), from `REPORT_RULES` in
 * `@porchlight/policy`; reports made before this say `other` and keep their words.
 */
export default /* sql */ `
ALTER TABLE reports ADD COLUMN rule text NOT NULL DEFAULT 'other';
`;
