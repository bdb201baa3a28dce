import { useRef, useState, type SubmitEvent } from 'react';
import { api } from '../api/client';
import { call, invalidFields, toApiError, withoutField, type ApiError } from '../api/problem';
import type { Category, NewPost } from '../api/types';
import { CategoryPicker } from '../components/CategoryPicker';
import {
  CoordinateInputs,
  parseCoordinates,
  toDraft,
  type CoordinateDraft,
} from '../components/CoordinateInputs';
import { TextArea, TextField } from '../components/Field';
import { EMPTY_PERSON, type PersonDraft } from '../components/PersonFields';
import { personBody, PersonSection } from '../components/PersonSection';
import { ProblemAlert } from '../components/ProblemAlert';
import { PERSON_CATEGORIES } from '../format';
import { LazyAreaMap } from '../map/LazyAreaMap';
import { MediaPicker, type MediaSelection } from '../components/MediaPicker';
import { Link, navigate } from '../router';
import { useAnnounce } from '../state/announcer';
import { useFeedStore } from '../state/feed';
import { useMe } from '../state/session';

const PLACED = [
  'category',
  'title',
  'body',
  'person',
  'person/behaviour',
  'person/clothing',
  'person/vehicle',
  'person/directionOfTravel',
  'person/appearance',
  'location/lat',
  'location/lng',
];

export function ComposePage() {
  const me = useMe();
  const store = useFeedStore();
  const announce = useAnnounce();
  const [category, setCategory] = useState<Category | null>(null);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [describesPerson, setDescribesPerson] = useState(false);
  const [person, setPerson] = useState<PersonDraft>(EMPTY_PERSON);
  const [elsewhere, setElsewhere] = useState(false);
  const [where, setWhere] = useState<CoordinateDraft>({ lat: '', lng: '' });
  const [error, setError] = useState<ApiError | null>(null);
  const [media, setMedia] = useState<MediaSelection>({ ids: [], uploading: false });
  const [busy, setBusy] = useState(false);
  const profilingAlert = useRef<HTMLDivElement>(null);

  const personAllowed = category !== null && PERSON_CATEGORIES.has(category);
  const point = parseCoordinates(where);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    // Every empty field is flagged at once, not one per attempt.
    const missing: Record<string, string> = {};
    if (!category) missing.category = 'Choose a category for your post.';
    if (title.trim() === '') missing.title = 'Give your post a short title.';
    if (body.trim() === '') missing.body = 'Say what happened.';
    if (!category || Object.keys(missing).length > 0) {
      setError(invalidFields(missing));
      return;
    }
    setBusy(true);
    setError(null);
    const input: NewPost = {
      category,
      title,
      body,
      ...(personAllowed && describesPerson ? { person: personBody(person) } : {}),
      ...(elsewhere && point ? { location: point } : {}),
      ...(media.ids.length > 0 ? { media: media.ids } : {}),
    };
    try {
      const post = await call(api.POST('/api/posts', { body: input }));
      store.add(post, false);
      announce('Your post is live for your neighbours.');
      navigate('/');
    } catch (err) {
      const problem = toApiError(err);
      setError(problem);
      setBusy(false);
      if (problem.code === 'profiling_risk') {
        // The server found a person described without the required details: open those fields.
        setDescribesPerson(true);
        window.setTimeout(() => profilingAlert.current?.focus(), 0);
      }
    }
  };

  const profiling = error?.code === 'profiling_risk' ? error : null;
  const fields = error?.fields ?? {};

  return (
    <div className="narrow">
      <p className="back">
        <Link to="/">← Back to the feed</Link>
      </p>
      <form
        className="card composer"
        onSubmit={(e) => void submit(e)}
        noValidate
        aria-labelledby="compose-title"
      >
        <h1 id="compose-title">New post</h1>
        <p className="muted">
          Your neighbours within range see this. Your name is shown; your exact address never is. Please
          follow the <Link to="/guidelines">community guidelines</Link>.
        </p>
        {profiling ? (
          <div className="alert alert--warning" role="alert" tabIndex={-1} ref={profilingAlert}>
            <p className="alert__title">{profiling.problem.title}</p>
            <p>{profiling.problem.detail}</p>
          </div>
        ) : (
          <ProblemAlert error={error} placed={PLACED} />
        )}
        <CategoryPicker
          value={category}
          onChange={(value) => {
            setCategory(value);
            setError((err) => withoutField(err, 'category'));
          }}
          error={fields.category}
        />
        <TextField
          label="Title"
          hint="A short summary, e.g. “Car broken into on Elm St”."
          value={title}
          onChange={(e) => {
            setTitle(e.target.value);
            setError((err) => withoutField(err, 'title'));
          }}
          required
          minLength={3}
          maxLength={140}
          error={fields.title}
        />
        <TextArea
          label="What happened?"
          hint="Stick to what you saw and when. Say if you have already called the police."
          value={body}
          onChange={(e) => {
            setBody(e.target.value);
            setError((err) => withoutField(err, 'body'));
          }}
          rows={5}
          required
          maxLength={5000}
          error={fields.body}
        />

        {personAllowed ? (
          <PersonSection
            describes={describesPerson}
            onDescribes={setDescribesPerson}
            value={person}
            onChange={setPerson}
            error={error}
            flagged={profiling !== null}
          />
        ) : null}

        <MediaPicker onChange={setMedia} />

        <fieldset className="where">
          <legend>Where</legend>
          <label className="check">
            <input
              type="radio"
              name="where"
              checked={!elsewhere}
              onChange={() => {
                setElsewhere(false);
              }}
            />
            <span>Around my home area</span>
          </label>
          <label className="check">
            <input
              type="radio"
              name="where"
              checked={elsewhere}
              onChange={() => {
                setElsewhere(true);
              }}
            />
            <span>Somewhere else nearby</span>
          </label>
          {elsewhere ? (
            <div className="where__pick">
              <p className="muted">
                Click the map or type coordinates. The post shows only the block-sized cell, never the point.
              </p>
              <LazyAreaMap
                label="Map: click where it happened"
                home={me.home}
                radiusM={me.radiusM}
                pick={point}
                onPick={(p) => {
                  setWhere(toDraft(p));
                }}
              />
              <CoordinateInputs
                value={where}
                onChange={setWhere}
                errors={{ lat: fields['location/lat'], lng: fields['location/lng'] }}
              />
            </div>
          ) : null}
        </fieldset>

        <div className="form-actions">
          <Link to="/" className="button button--ghost">
            Cancel
          </Link>
          <button type="submit" className="button button--primary" disabled={busy || media.uploading}>
            {busy ? 'Posting…' : media.uploading ? 'Uploading…' : 'Post to neighbours'}
          </button>
        </div>
      </form>
    </div>
  );
}
