import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Deps } from '../../deps.js';
import { AppError, notFound } from '../../errors.js';
import { authorize, type Viewer } from '../../policies.js';
import type { AuthService } from '../auth/auth.service.js';
import { hashToken, randomToken } from '../auth/auth.service.js';
import type { SecondFactorProof } from '../auth/mfa.schema.js';
import type { ClipsService } from '../clips/clips.service.js';
import { insertEvent } from '../events/events.repository.js';
import type { MailService } from '../mail/mail.service.js';
import { deleteAccountData } from './account-deletion.repository.js';
import { accountArchive } from './account.export.js';
import { resetMail, verificationMail } from './account.mails.js';
import { presentAccount, presentSession } from './account.presenter.js';
import * as repo from './account.repository.js';
import { ipHint, summariseUserAgent } from './client-hint.js';

/** How long links in mail work. A reset link is short-lived: whoever holds it can take over the account. */
export const RESET_TTL_MS = 30 * 60_000;
export const VERIFY_TTL_MS = 48 * 3_600_000;
/** Mail requests allowed per hour: per address (reset or verification), and per client IP (reset). */
export const MAIL_PER_ADDRESS_PER_HOUR = 3;
export const RESETS_PER_IP_PER_HOUR = 10;
/** A session's "last seen" is written at most this often, so browsing does not write on every request. */
const TOUCH_EVERY_MS = 5 * 60_000;

const keyHash = (kind: string, value: string) =>
  createHash('sha256').update(`${kind}\n${value.toLowerCase()}`).digest('hex');

/**
 * Account self-service: email verification, password reset, the sessions page and account deletion. Every
 * method acts on the viewer's own account only; reset and verification act on whoever holds a link's token.
 */
export class AccountService {
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly deps: Deps,
    private readonly auth: AuthService,
    private readonly mail: MailService,
    private readonly clips: ClipsService,
  ) {}

  /** The viewer's account: address and whether it is verified. */
  async overview(viewer: Viewer | null) {
    const v = authorize(viewer, 'vault.own');
    const row = await repo.findAccount(this.deps.db, v.id);
    if (!row) throw notFound('account');
    return presentAccount(row);
  }

  /** Mails a new verification link to the account's address (after sign-up, or when asked again). */
  async sendVerification(userId: number): Promise<void> {
    const row = await repo.findAccount(this.deps.db, userId);
    if (!row || row.email_verified_at || row.deleted_at) return;
    const token = randomToken();
    const now = this.deps.clock.now();
    await this.deps.db.transaction(async (tx) => {
      await repo.retireTokens(tx, userId, 'verify_email', now);
      await repo.insertToken(tx, {
        tokenHash: hashToken(token),
        userId,
        purpose: 'verify_email',
        email: row.email,
        now,
        expiresAt: new Date(now.getTime() + VERIFY_TTL_MS),
      });
    });
    const link = `${this.deps.config.publicUrl}/verify-email#token=${token}`;
    await this.mail.send(verificationMail(row.email, link, VERIFY_TTL_MS / 3_600_000));
  }

  /** Mails the verification link after a sign-up with `email`. */
  async verifyAfterSignUp(email: string): Promise<void> {
    const row = await repo.findLiveAccountByEmail(this.deps.db, email.trim());
    if (row) await this.sendVerification(row.id);
  }

  /** The viewer's export: a tar stream (account.export.ts) and the file name to save it as. */
  exportArchive(viewer: Viewer | null): { stream: Readable; filename: string } {
    const v = authorize(viewer, 'vault.own');
    const now = this.deps.clock.now();
    return {
      stream: accountArchive(this.deps.db, this.clips.blobs, v.id, now),
      filename: `porchlight-export-${now.toISOString().slice(0, 10)}.tar`,
    };
  }

  /** "Send the link again" from the banner: rate-limited per address, a no-op once verified. */
  async resendVerification(viewer: Viewer | null): Promise<void> {
    const v = authorize(viewer, 'vault.own');
    const row = await repo.findAccount(this.deps.db, v.id);
    if (!row) throw notFound('account');
    if (row.email_verified_at) return;
    await this.limit([keyHash('verify', row.email)], [MAIL_PER_ADDRESS_PER_HOUR]);
    await this.sendVerification(v.id);
  }

  /** Marks the address verified; the link works once and only for the address it was sent to. */
  async verifyEmail(token: string) {
    const now = this.deps.clock.now();
    return this.deps.db.transaction(async (tx) => {
      const t = await repo.useToken(tx, hashToken(token), 'verify_email', now);
      if (!t || !(await repo.markEmailVerified(tx, t.user_id, t.email, now)))
        throw new AppError('link_invalid');
      await insertEvent(tx, {
        type: 'user.email_verified',
        actorId: t.user_id,
        subjectType: 'user',
        subjectId: t.user_id,
      });
      return { email: t.email };
    });
  }

  /**
   * Mails a reset link when `email` has an account. Answers the same whether or not it does, and the mail is
   * sent after the answer, so neither the response nor its timing tells who has an account. Limited per address
   * and per client IP whether or not the address exists.
   */
  async requestPasswordReset(email: string, ip: string): Promise<void> {
    await this.limit(
      [keyHash('reset', email.trim()), keyHash('reset-ip', ip)],
      [MAIL_PER_ADDRESS_PER_HOUR, RESETS_PER_IP_PER_HOUR],
    );
    const row = await repo.findLiveAccountByEmail(this.deps.db, email.trim());
    if (!row) return;
    const token = randomToken();
    const now = this.deps.clock.now();
    await repo.insertToken(this.deps.db, {
      tokenHash: hashToken(token),
      userId: row.id,
      purpose: 'reset_password',
      email: row.email,
      now,
      expiresAt: new Date(now.getTime() + RESET_TTL_MS),
    });
    const link = `${this.deps.config.publicUrl}/reset-password#token=${token}`;
    this.mail.sendLater(resetMail(row.email, link, RESET_TTL_MS / 60_000), 'password reset');
  }

  /**
   * Sets a new password with a reset link's token and ends every session of the account (a thief signed in
   * with the old password is signed out). The link proves the address too, so it also verifies it.
   */
  async resetPassword(token: string, password: string): Promise<void> {
    const passwordHash = await this.auth.hashPassword(password);
    const now = this.deps.clock.now();
    await this.deps.db.transaction(async (tx) => {
      const t = await repo.useToken(tx, hashToken(token), 'reset_password', now);
      if (!t) throw new AppError('link_invalid');
      await repo.setPasswordHash(tx, t.user_id, passwordHash);
      await repo.retireTokens(tx, t.user_id, 'reset_password', now);
      await repo.markEmailVerified(tx, t.user_id, t.email, now);
      const ended = await repo.deleteSessions(tx, t.user_id);
      await insertEvent(tx, {
        type: 'user.password_reset',
        actorId: t.user_id,
        subjectType: 'user',
        subjectId: t.user_id,
        data: { sessionsEnded: ended },
      });
    });
  }

  /** The viewer's signed-in browser sessions, the current one marked. */
  async sessions(viewer: Viewer | null, currentToken: string | undefined) {
    const v = authorize(viewer, 'vault.own');
    const current = currentToken ? hashToken(currentToken) : undefined;
    const rows = await repo.listSessions(this.deps.db, v.id, this.deps.clock.now());
    return { sessions: rows.map((r) => presentSession(r, r.token_hash === current)) };
  }

  /** Ends one of the viewer's sessions (404 for anyone else's, or an unknown id). */
  async endSession(viewer: Viewer | null, id: string): Promise<void> {
    const v = authorize(viewer, 'vault.own');
    await this.deps.db.transaction(async (tx) => {
      if (!(await repo.deleteSessionById(tx, v.id, id.slice(3)))) throw notFound('session');
      await insertEvent(tx, {
        type: 'user.sessions_ended',
        actorId: v.id,
        subjectType: 'user',
        subjectId: v.id,
        data: { sessions: 1 },
      });
    });
  }

  /** "Sign out everywhere else": ends every session of the viewer but the current one. */
  async endOtherSessions(viewer: Viewer | null, currentToken: string | undefined) {
    const v = authorize(viewer, 'vault.own');
    const keep = currentToken ? hashToken(currentToken) : undefined;
    return this.deps.db.transaction(async (tx) => {
      const ended = await repo.deleteSessions(tx, v.id, keep);
      await insertEvent(tx, {
        type: 'user.sessions_ended',
        actorId: v.id,
        subjectType: 'user',
        subjectId: v.id,
        data: { sessions: ended },
      });
      return { ended };
    });
  }

  /** Records when a session was last used, from which browser and coarse network (at most every 5 min). */
  async touchSession(token: string, userAgent: string | undefined, ip: string): Promise<void> {
    const tokenHash = hashToken(token);
    const now = this.deps.clock.now();
    const last = this.touched.get(tokenHash);
    if (last !== undefined && now.getTime() - last < TOUCH_EVERY_MS) return;
    this.touched.set(tokenHash, now.getTime());
    if (this.touched.size > 10_000) this.touched.clear();
    await repo.touchSession(this.deps.db, tokenHash, {
      now,
      userAgent: summariseUserAgent(userAgent),
      ipHint: ipHint(ip),
    });
  }

  /**
   * Deletes the viewer's account: needs the password, and a current second factor when one is set. Staff and
   * agency members are refused (their accounts carry duties others rely on: an admin removes the role first).
   * Keys, cameras, clips (and their ciphertext), hubs, inbox and sessions go; posts and comments stay under
   * "Deleted account"; public log entries stay as they are.
   */
  async deleteAccount(
    viewer: Viewer | null,
    input: { password: string; secondFactor?: SecondFactorProof | undefined },
  ): Promise<void> {
    const v = authorize(viewer, 'vault.own');
    if (v.role !== 'resident' || (await repo.isAgencyMember(this.deps.db, v.id))) {
      throw new AppError(
        'account_has_duties',
        `a ${v.role === 'resident' ? 'agency member' : v.role} account cannot delete itself: ask an admin to ` +
          'remove its role or agency membership first',
      );
    }
    if (!(await this.auth.checkPassword(v.id, input.password))) {
      throw new AppError('invalid_credentials', 'the password is wrong', [
        { field: '/body/password', message: 'is not the account’s password' },
      ]);
    }
    await this.auth.verifySecondFactor(v.id, input.secondFactor);
    const unusableHash = await this.auth.hashPassword(randomToken());
    await this.deps.db.transaction(async (tx) => {
      const removed = await deleteAccountData(tx, v.id, unusableHash, this.deps.clock.now());
      await insertEvent(tx, {
        type: 'user.deleted',
        actorId: v.id,
        subjectType: 'user',
        subjectId: v.id,
        data: removed,
      });
    });
    // The rows are gone; the ciphertext queued for removal goes now rather than at the next retention run.
    await this.clips.purgeOrphans();
  }

  /** Counts one request against each limit; 429 when any is exceeded. */
  private async limit(keys: string[], maxima: number[]): Promise<void> {
    const now = this.deps.clock.now();
    const counts = await repo.countMailRequests(this.deps.db, keys, now, new Date(now.getTime() - 3_600_000));
    if (counts.some((n, i) => n > maxima[i]!)) {
      throw new AppError(
        'rate_limited',
        'too many mail requests for this address or network; try again later',
      );
    }
  }
}
