import { useState, type SubmitEvent } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import type { Category, Post, PostEdit } from '../api/types';
import { PERSON_CATEGORIES } from '../format';
import { useAnnounce } from '../state/announcer';
import { CategoryPicker } from './CategoryPicker';
import { TextArea, TextField } from './Field';
import { personBody, personDraft, PersonSection } from './PersonSection';
import { ProblemAlert } from './ProblemAlert';

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
];

/**
 * The author's edit of their own post. The composer's rules apply again, and the version it replaces is kept
 * for moderators: the form says so, so nobody expects an edit to erase what was said.
 */
export function EditPostForm({
  post,
  onSaved,
  onCancel,
}: {
  post: Post;
  onSaved: (post: Post) => void;
  onCancel: () => void;
}) {
  const announce = useAnnounce();
  const [category, setCategory] = useState<Category>(post.category);
  const [title, setTitle] = useState(post.title);
  const [body, setBody] = useState(post.body);
  const [describes, setDescribes] = useState(post.person !== null);
  const [person, setPerson] = useState(personDraft(post.person));
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const personAllowed = PERSON_CATEGORIES.has(category);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const edit: PostEdit = {
      category,
      title,
      body,
      person: personAllowed && describes ? personBody(person) : null,
    };
    try {
      const saved = await call(
        api.PATCH('/api/posts/{id}', { params: { path: { id: post.id } }, body: edit }),
      );
      announce('Your post is updated.');
      onSaved(saved);
    } catch (err) {
      const problem = toApiError(err);
      setError(problem);
      if (problem.code === 'profiling_risk') setDescribes(true);
      setBusy(false);
    }
  };

  const fields = error?.fields ?? {};
  return (
    <form className="edit-post" onSubmit={(e) => void submit(e)} noValidate aria-label="Edit your post">
      <p className="muted">
        Neighbours see the new version. The one it replaces is kept for moderators, so an edit cannot erase
        what a report was about.
      </p>
      {error?.code === 'profiling_risk' ? (
        <div className="alert alert--warning" role="alert">
          <p className="alert__title">{error.problem.title}</p>
          <p>{error.problem.detail}</p>
        </div>
      ) : (
        <ProblemAlert error={error} placed={PLACED} />
      )}
      <CategoryPicker value={category} onChange={setCategory} error={fields.category} />
      <TextField
        label="Title"
        value={title}
        onChange={(e) => {
          setTitle(e.target.value);
        }}
        required
        minLength={3}
        maxLength={140}
        error={fields.title}
      />
      <TextArea
        label="What happened?"
        value={body}
        onChange={(e) => {
          setBody(e.target.value);
        }}
        rows={5}
        required
        maxLength={5000}
        error={fields.body}
      />
      {personAllowed ? (
        <PersonSection
          describes={describes}
          onDescribes={setDescribes}
          value={person}
          onChange={setPerson}
          error={error}
          flagged={error?.code === 'profiling_risk'}
        />
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save changes'}
        </button>
        <button type="button" className="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
