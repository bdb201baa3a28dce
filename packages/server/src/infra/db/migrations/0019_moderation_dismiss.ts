/**
 * A moderator may dismiss a post's open reports without hiding it (issue 10): a third decision, `dismiss`,
 * kept with its reason like the others and published on the log as `moderation.dismissed`.
 */
export default /* sql */ `
ALTER TABLE moderation_decisions DROP CONSTRAINT moderation_decisions_action_check;
ALTER TABLE moderation_decisions ADD CONSTRAINT moderation_decisions_action_check
  CHECK (action IN ('hide', 'restore', 'dismiss'));
`;
