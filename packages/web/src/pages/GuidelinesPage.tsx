import { REPORT_RULE_LABELS, REPORT_RULES } from '@porchlight/policy';
import { Link } from '../router';

/**
 * The community guidelines: the rules reports name (one list, `REPORT_RULES` in @porchlight/policy), what a
 * good post looks like, and how moderation and appeals work. Open to anyone, linked from the composer and the
 * report form.
 */
export function GuidelinesPage() {
  const rules = REPORT_RULES.filter((r) => r !== 'other');
  return (
    <div className="narrow">
      <article className="card">
        <h1>Community guidelines</h1>
        <p>
          Porchlight is for neighbours telling each other what they saw, so everyone can stay safe. A post
          that helps says <strong>what happened, when and roughly where</strong>, and what people nearby can
          do about it.
        </p>
        <h2>Posts must not contain</h2>
        <dl className="guidelines">
          {rules.map((r) => (
            <div key={r}>
              <dt>{REPORT_RULE_LABELS[r].label}</dt>
              <dd>{REPORT_RULE_LABELS[r].hint}.</dd>
            </div>
          ))}
        </dl>
        <h2>Describing a person</h2>
        <p>
          Describe what someone <em>did</em>, not who they are. Skin colour, ethnicity, age or build fit many
          innocent neighbours. If a post describes a person, the composer asks for the behaviour and at least
          two details that are not appearance (clothing, vehicle, direction of travel), in every category.
        </p>
        <h2>Editing and resolving</h2>
        <p>
          You can edit or delete your own posts and comments. Earlier versions of an edited post stay visible
          to moderators, so an edit cannot erase what a report was about. Mark a post resolved when the
          situation is over.
        </p>
        <h2>Reports, decisions and appeals</h2>
        <p>
          Anyone can report a post for breaking a rule above (or something else, in their own words). The
          author is not told who reported it. A moderator either hides the post or dismisses the reports,
          always with a stated reason, and each decision is published on the{' '}
          <Link to="/transparency">public transparency log</Link>. The author of a hidden post can appeal
          once; a different moderator decides the appeal.
        </p>
      </article>
    </div>
  );
}
