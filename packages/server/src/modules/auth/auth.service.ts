import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import type { Role, Viewer } from '../../policies.js';
import { insertEvent } from '../events/events.repository.js';
import { presentMe, viewerHome } from '../users/users.presenter.js';
import * as users from '../users/users.repository.js';
import * as sessions from './auth.repository.js';
import type { SecondFactorProof } from './mfa.schema.js';
import { STAFF_ROLES, SecondFactorService } from './mfa.service.js';

/** OWASP's argon2id minimum (19 MiB, t=2, p=1) rounded up; ~40 ms here. */
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const randomToken = (): string => randomBytes(32).toString('base64url');
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface ResolvedSession {
  viewer: Viewer;
  csrfToken: string;
  /**
   * A staff or agency account whose session has not passed a second factor (none enrolled yet, or signed in
   * before one was): it may enrol one and nothing else.
   */
  secondFactorRequired: boolean;
}

/** What a found session means for the request: the viewer, and whether a second factor must come first. */
function resolved(found: sessions.FoundSession): ResolvedSession {
  const u = found.user;
  return {
    viewer: { id: u.id, role: u.role, displayName: u.display_name, home: viewerHome(u) },
    csrfToken: found.csrf_token,
    secondFactorRequired: STAFF_ROLES.has(u.role) && !(found.second_factor && found.has_factor),
  };
}

/** The outcome of a correct password: a session, or (a second factor being enrolled) the second step. */
export type SignInResult =
  | { kind: 'session'; token: string; csrfToken: string; expiresAt: Date; user: ReturnType<typeof presentMe> }
  | { kind: 'second_step'; pendingToken: string; methods: ('totp' | 'passkey' | 'recovery_code')[] };

export class AuthService {
  /** Verified against when the email is unknown, so timing does not reveal which emails have accounts. */
  private dummyHash: Promise<string> | undefined;

  readonly secondFactors: SecondFactorService;

  constructor(private readonly deps: Deps) {
    this.secondFactors = new SecondFactorService(deps, (id, password) => this.checkPassword(id, password));
  }

  /**
   * Resolves when the account has no second factor, or `proof` is a current one (a code or recovery code is used
   * up). Throws 403 `second_factor_required` without a proof, 401 `invalid_second_factor` for a wrong one.
   */
  verifySecondFactor(userId: number, proof: SecondFactorProof | undefined): Promise<void> {
    return this.secondFactors.verifySecondFactor(userId, proof);
  }

  /** Whether `password` is the account's password. */
  async checkPassword(userId: number, password: string): Promise<boolean> {
    const row = await users.findUserById(this.deps.db, userId);
    return row !== undefined && (await argon2.verify(row.password_hash, password));
  }

  hashPassword(password: string): Promise<string> {
    return argon2.hash(password, ARGON2_OPTIONS);
  }

  /** Creates a resident account and signs it in. */
  async signUp(input: { email: string; password: string; displayName: string }, role: Role = 'resident') {
    const passwordHash = await this.hashPassword(input.password);
    return this.deps.db.transaction(async (tx) => {
      const row = await users.insertUser(tx, {
        email: input.email.trim(),
        displayName: input.displayName.trim(),
        passwordHash,
        role,
      });
      if (!row)
        throw new AppError('email_taken', 'an account with this email already exists', [
          { field: '/body/email', message: 'is already registered' },
        ]);
      await insertEvent(tx, {
        type: 'user.signed_up',
        actorId: row.id,
        subjectType: 'user',
        subjectId: row.id,
      });
      const session = await this.startSession(tx, row.id, false);
      return { ...session, user: presentMe(row) };
    });
  }

  async signIn(input: { email: string; password: string }): Promise<SignInResult> {
    const row = await users.findUserByEmail(this.deps.db, input.email.trim());
    this.dummyHash ??= this.hashPassword(randomToken());
    const ok = await argon2.verify(row?.password_hash ?? (await this.dummyHash), input.password);
    if (!row || !ok) throw new AppError('invalid_credentials');
    const pendingToken = randomToken();
    const second = await this.secondFactors.beginSignIn(row.id, pendingToken);
    if (second) return { kind: 'second_step', pendingToken, methods: second.methods };
    return { kind: 'session', ...(await this.signedIn(row.id, false)) };
  }

  /** The second step of sign-in: a current factor for the pending sign-in starts a full session. */
  async completeSignIn(pendingToken: string | undefined, proof: SecondFactorProof) {
    const userId = await this.secondFactors.completeSignIn(pendingToken, proof);
    return this.signedIn(userId, true);
  }

  private async signedIn(userId: number, secondFactor: boolean) {
    const row = await users.findUserById(this.deps.db, userId);
    if (!row) throw new AppError('invalid_credentials');
    const session = await this.deps.db.transaction(async (tx) => {
      await insertEvent(tx, {
        type: 'user.signed_in',
        actorId: row.id,
        subjectType: 'user',
        subjectId: row.id,
      });
      return this.startSession(tx, row.id, secondFactor);
    });
    return { ...session, user: presentMe(row) };
  }

  async signOut(token: string | undefined): Promise<void> {
    if (!token) return;
    await this.deps.db.transaction(async (tx) => {
      const userId = await sessions.deleteSession(tx, hashToken(token));
      if (userId !== undefined) {
        await insertEvent(tx, {
          type: 'user.signed_out',
          actorId: userId,
          subjectType: 'user',
          subjectId: userId,
        });
      }
    });
  }

  /** Looks up a session cookie. Expired or unknown tokens resolve to undefined. */
  async resolve(token: string | undefined): Promise<ResolvedSession | undefined> {
    if (!token || token.length > 100) return undefined;
    const found = await sessions.findSession(this.deps.db, hashToken(token), this.deps.clock.now());
    return found && resolved(found);
  }

  /**
   * Looks up many session cookies in one query (every open live stream of a process re-checks its session at
   * the same keep-alive tick). Tokens that are unknown, expired or malformed are absent from the result.
   */
  async resolveMany(tokens: readonly string[]): Promise<Map<string, ResolvedSession>> {
    const byHash = new Map(
      tokens.filter((t) => t.length > 0 && t.length <= 100).map((t) => [hashToken(t), t]),
    );
    const out = new Map<string, ResolvedSession>();
    if (byHash.size === 0) return out;
    const found = await sessions.findSessions(this.deps.db, [...byHash.keys()], this.deps.clock.now());
    for (const [hash, session] of found) out.set(byHash.get(hash)!, resolved(session));
    return out;
  }

  pruneExpired(): Promise<number> {
    return sessions.deleteExpiredSessions(this.deps.db, this.deps.clock.now());
  }

  private async startSession(
    tx: Parameters<typeof sessions.insertSession>[0],
    userId: number,
    secondFactor: boolean,
  ) {
    const token = randomToken();
    const csrfToken = randomToken();
    const expiresAt = new Date(
      this.deps.clock.now().getTime() + this.deps.config.sessionTtlDays * 86_400_000,
    );
    await sessions.insertSession(tx, {
      tokenHash: hashToken(token),
      userId,
      csrfToken,
      expiresAt,
      secondFactor,
    });
    return { token, csrfToken, expiresAt };
  }
}
