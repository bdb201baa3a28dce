/**
 * What the owner's redaction step did to a posted video (issue 11, G6): the same counts-and-kinds summary a
 * disclosure's manifest carries (`@porchlight/redact`), sent with the upload and shown with the video. Never a
 * coordinate, a picture or anything drawn from a face. NULL for media posted as recorded.
 */
export default /* sql */ `
ALTER TABLE media_uploads ADD COLUMN redaction jsonb;
ALTER TABLE media ADD COLUMN redaction jsonb;
`;
