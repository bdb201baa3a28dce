import { useEffect, useState } from 'react';
import { DeleteAccount } from '../account/DeleteAccount';
import { MutedPeople } from '../account/MutedPeople';
import { useAccount } from '../account/useAccount';
import { ProblemAlert } from '../components/ProblemAlert';
import { Link } from '../router';
import '../account/account.css';

/** Account: address, sessions, a download of everything the account holds, and deleting it. */
export function AccountPage() {
  const { account, error } = useAccount();
  const [today, setToday] = useState('');
  useEffect(() => {
    setToday(new Date().toISOString().slice(0, 10));
  }, []);

  return (
    <div className="stack account-page">
      <h1>Account</h1>
      <ProblemAlert error={error} placed={[]} />
      {account ? (
        <section className="card" aria-labelledby="account-email">
          <h2 id="account-email">Email</h2>
          <p>
            {account.email} —{' '}
            {account.emailVerified ? (
              <span className="badge">confirmed</span>
            ) : (
              <span>not confirmed yet</span>
            )}
          </p>
        </section>
      ) : null}

      <section className="card" aria-labelledby="account-signins">
        <h2 id="account-signins">Where you are signed in</h2>
        <p>
          See every browser signed in to your account and every paired hub, and end any of them:{' '}
          <Link to="/account/sessions">Sessions and hubs</Link>. Second factors are on the{' '}
          <Link to="/account/security">Security</Link> page.
        </p>
      </section>

      <section className="card" aria-labelledby="account-muted">
        <h2 id="account-muted">People you muted</h2>
        <p className="muted">Their posts and comments are hidden from you. They are not told.</p>
        <MutedPeople />
      </section>

      <section className="card" aria-labelledby="account-blocked">
        <h2 id="account-blocked">People you blocked</h2>
        <p className="muted">
          Neither of you sees the other’s posts and comments, they cannot comment on or react to your posts,
          and no notifications pass between you. They are not told.
        </p>
        <MutedPeople kind="block" />
      </section>

      <section className="card" aria-labelledby="account-export">
        <h2 id="account-export">Download your data</h2>
        <p>
          One file (tar) with everything your account holds: your profile, posts, comments, reactions, cameras
          with their exact location, clip details, hubs, disclosures, footage-request inbox, and every clip
          exactly as stored — encrypted. Your vault passphrase opens them with the <code>age</code> tool; the
          file’s README.txt shows how:
        </p>
        <pre className="code-block">
          {'age -d vault/identity.age > identity.txt\nage -d -i identity.txt clips/<id>.age > clip.mp4'}
        </pre>
        <p>
          <a className="button" href="/api/account/export" download={`porchlight-export-${today}.tar`}>
            Download everything
          </a>
        </p>
      </section>

      <section className="card" aria-labelledby="account-delete">
        <h2 id="account-delete">Delete your account</h2>
        <DeleteAccount />
      </section>
    </div>
  );
}
