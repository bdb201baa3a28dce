import { createHash, randomInt } from 'node:crypto';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticatorTransport,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import QRCode from 'qrcode';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import type { Queryable } from '../../infra/db/index.js';
import type { Role, Viewer } from '../../policies.js';
import { findUserById } from '../users/users.repository.js';
import * as repo from './mfa.repository.js';
import type { SecondFactorProof } from './mfa.schema.js';
import { newTotpSecret, totpStep, totpUri } from './totp.js';

/** Roles that must pass a second factor before they can act (issue 9): they act on other people's data. */
export const STAFF_ROLES: ReadonlySet<Role> = new Set<Role>(['agency', 'moderator', 'admin']);

const SIGN_IN_TTL_MS = 5 * 60_000;
const WEBAUTHN_TTL_MS = 5 * 60_000;
/** Wrong answers one pending sign-in may give before the password must be entered again. */
const SIGN_IN_MAX_FAILURES = 5;
/** Wrong answers one account may give in FAILURE_WINDOW_MS, across sign-ins and re-authentication. */
const ACCOUNT_MAX_FAILURES = 10;
const FAILURE_WINDOW_MS = 15 * 60_000;
const RECOVERY_CODE_COUNT = 10;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Ten random base32 characters (50 bits) as `xxxxx-xxxxx`. */
function newRecoveryCode(): string {
  const c = Array.from({ length: 10 }, () => BASE32[randomInt(32)]).join('');
  return `${c.slice(0, 5)}-${c.slice(5)}`;
}
const normaliseRecoveryCode = (code: string): string => code.trim().toLowerCase().replace(/[\s-]/g, '');

export interface SecondFactors {
  totp: boolean;
  passkeys: { id: string; name: string; createdAt: string; lastUsedAt: string | null }[];
  recoveryCodesLeft: number;
  required: boolean;
}

const invalid = (detail = 'the code, passkey or recovery code is wrong or was already used') =>
  new AppError('invalid_second_factor', detail);

/**
 * Second factors: an authenticator app (RFC 6238 TOTP), passkeys (WebAuthn) and one-time recovery codes;
 * the second step of sign-in; and proof of a current factor before sensitive account changes.
 */
export class SecondFactorService {
  constructor(
    private readonly deps: Deps,
    private readonly checkPassword: (userId: number, password: string) => Promise<boolean>,
  ) {}

  private get rp() {
    const url = new URL(this.deps.config.publicUrl);
    return { id: url.hostname, origin: url.origin, name: 'Porchlight' };
  }

  private now = (): Date => this.deps.clock.now();

  async status(viewer: Viewer, db: Queryable = this.deps.db): Promise<SecondFactors> {
    const [totp, passkeys, recoveryCodesLeft] = await Promise.all([
      repo.findTotp(db, viewer.id),
      repo.listPasskeys(db, viewer.id),
      repo.countUnusedRecoveryCodes(db, viewer.id),
    ]);
    return {
      totp: totp?.confirmed_at != null,
      passkeys: passkeys.map((p) => ({
        id: p.credential_id,
        name: p.name,
        createdAt: p.created_at.toISOString(),
        lastUsedAt: p.last_used_at?.toISOString() ?? null,
      })),
      recoveryCodesLeft,
      required: STAFF_ROLES.has(viewer.role),
    };
  }

  hasSecondFactor(userId: number): Promise<boolean> {
    return repo.hasSecondFactor(this.deps.db, userId);
  }

  /** Starts adding an authenticator app: a new secret, as text, `otpauth://` URI and QR code. */
  async startTotp(viewer: Viewer) {
    const user = await findUserById(this.deps.db, viewer.id);
    if (!user) throw new AppError('unauthenticated');
    const secret = newTotpSecret();
    if (!(await repo.upsertPendingTotp(this.deps.db, viewer.id, secret))) {
      throw new AppError(
        'conflict',
        'an authenticator app is already set up; remove it first to add another',
      );
    }
    const otpauthUri = totpUri(secret, user.email);
    const qrSvg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { secret, otpauthUri, qrSvg };
  }

  /** Confirms the app with its first code; the session that did so counts as passed its second step. */
  async confirmTotp(viewer: Viewer, code: string, sessionTokenHash: string | undefined) {
    return this.deps.db.transaction(async (tx) => {
      const totp = await repo.findTotp(tx, viewer.id);
      if (!totp || totp.confirmed_at) {
        throw new AppError(
          'conflict',
          'start adding an authenticator app first (POST /api/me/second-factors/totp)',
        );
      }
      const step = totpStep(totp.secret, code, this.now());
      if (step === undefined || !(await repo.acceptTotpStep(tx, viewer.id, step, this.now(), true))) {
        throw new AppError(
          'invalid_second_factor',
          'the code is wrong: check the app shows Porchlight and try the current code',
          [{ field: '/body/code', message: 'is not the current code' }],
        );
      }
      return this.enrolled(tx, viewer, sessionTokenHash);
    });
  }

  async passkeyRegistrationOptions(viewer: Viewer): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const user = await findUserById(this.deps.db, viewer.id);
    if (!user) throw new AppError('unauthenticated');
    const existing = await repo.listPasskeys(this.deps.db, viewer.id);
    const options = await generateRegistrationOptions({
      rpName: this.rp.name,
      rpID: this.rp.id,
      userName: user.email,
      userDisplayName: user.display_name,
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({
        id: p.credential_id,
        transports: p.transports as AuthenticatorTransport[],
      })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
    await repo.putWebauthnChallenge(this.deps.db, {
      userId: viewer.id,
      purpose: 'register',
      challenge: options.challenge,
      expiresAt: new Date(this.now().getTime() + WEBAUTHN_TTL_MS),
    });
    return options;
  }

  async addPasskey(
    viewer: Viewer,
    input: { name: string; response: Parameters<typeof verifyRegistrationResponse>[0]['response'] },
    sessionTokenHash: string | undefined,
  ) {
    return this.deps.db.transaction(async (tx) => {
      const challenge = await repo.takeWebauthnChallenge(tx, viewer.id, 'register', this.now());
      if (!challenge) throw new AppError('conflict', 'ask for passkey options first; they last five minutes');
      const result = await verifyRegistrationResponse({
        response: input.response,
        expectedChallenge: challenge,
        expectedOrigin: this.rp.origin,
        expectedRPID: this.rp.id,
        requireUserVerification: false,
      }).catch((err: unknown) => {
        throw new AppError(
          'invalid_second_factor',
          `the passkey was not accepted: ${(err as Error).message}`,
        );
      });
      if (!result.verified) throw new AppError('invalid_second_factor', 'the passkey was not accepted');
      const { credential } = result.registrationInfo;
      const row = await repo.insertPasskey(tx, {
        credentialId: credential.id,
        userId: viewer.id,
        name: input.name.trim(),
        publicKey: Buffer.from(credential.publicKey).toString('base64url'),
        counter: credential.counter,
        transports: credential.transports ?? [],
      });
      if (!row) throw new AppError('conflict', 'this passkey is already registered');
      return this.enrolled(tx, viewer, sessionTokenHash);
    });
  }

  /** After a factor is added: the session counts as second-factor, and the first factor brings recovery codes. */
  private async enrolled(tx: Queryable, viewer: Viewer, sessionTokenHash: string | undefined) {
    if (sessionTokenHash) await repo.markSessionSecondFactor(tx, sessionTokenHash);
    const recoveryCodes =
      (await repo.countUnusedRecoveryCodes(tx, viewer.id)) === 0
        ? await this.issueRecoveryCodes(tx, viewer.id)
        : undefined;
    return { factors: await this.status(viewer, tx), ...(recoveryCodes ? { recoveryCodes } : {}) };
  }

  private async issueRecoveryCodes(tx: Queryable, userId: number): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await repo.replaceRecoveryCodes(
      tx,
      userId,
      codes.map((c) => sha256(normaliseRecoveryCode(c))),
    );
    return codes;
  }

  /** WebAuthn options for proving a passkey while signed in (before removing a factor, deleting the account). */
  async proveOptions(viewer: Viewer): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const options = await this.authenticationOptions(viewer.id);
    await repo.putWebauthnChallenge(this.deps.db, {
      userId: viewer.id,
      purpose: 'prove',
      challenge: options.challenge,
      expiresAt: new Date(this.now().getTime() + WEBAUTHN_TTL_MS),
    });
    return options;
  }

  private async authenticationOptions(userId: number) {
    const passkeys = await repo.listPasskeys(this.deps.db, userId);
    if (passkeys.length === 0) throw new AppError('conflict', 'this account has no passkey');
    return generateAuthenticationOptions({
      rpID: this.rp.id,
      allowCredentials: passkeys.map((p) => ({
        id: p.credential_id,
        transports: p.transports as AuthenticatorTransport[],
      })),
      userVerification: 'preferred',
    });
  }

  /**
   * Resolves when the account has no second factor, or `proof` is a current one (a code or recovery code is
   * used up by it). For routes that need "the second factor when set" (removing factors, deleting an account).
   */
  async verifySecondFactor(userId: number, proof: SecondFactorProof | undefined): Promise<void> {
    if (!(await repo.hasSecondFactor(this.deps.db, userId))) return;
    if (!proof) {
      throw new AppError(
        'second_factor_required',
        'confirm with your authenticator app, a passkey or a recovery code',
      );
    }
    await this.checkProof(userId, proof, (tx) => repo.takeWebauthnChallenge(tx, userId, 'prove', this.now()));
  }

  /**
   * Checks one proof in its own transaction (`after` runs in it when the proof holds), counting a wrong one
   * against the account; throws `invalid_second_factor`, or 429 after too many wrong ones.
   */
  private async checkProof(
    userId: number,
    proof: SecondFactorProof,
    webauthnChallenge: (tx: Queryable) => Promise<string | undefined | null>,
    after?: (tx: Queryable) => Promise<void>,
  ): Promise<void> {
    const now = this.now();
    const since = new Date(now.getTime() - FAILURE_WINDOW_MS);
    if ((await repo.countFailuresSince(this.deps.db, userId, since)) >= ACCOUNT_MAX_FAILURES) {
      throw new AppError(
        'rate_limited',
        'too many wrong second-factor attempts; wait 15 minutes and try again',
      );
    }
    const holds = await this.deps.db.transaction(async (tx) => {
      const ok = await this.proofHolds(tx, userId, proof, () => webauthnChallenge(tx));
      if (ok && after) await after(tx);
      return ok;
    });
    if (holds) return;
    await repo.recordFailure(this.deps.db, userId, now);
    throw invalid();
  }

  private async proofHolds(
    tx: Queryable,
    userId: number,
    proof: SecondFactorProof,
    webauthnChallenge: () => Promise<string | undefined | null>,
  ): Promise<boolean> {
    const now = this.now();
    if ('code' in proof) {
      const totp = await repo.findTotp(tx, userId);
      if (!totp?.confirmed_at) return false;
      const step = totpStep(totp.secret, proof.code, now);
      return step !== undefined && (await repo.acceptTotpStep(tx, userId, step, now, false));
    }
    if ('recoveryCode' in proof) {
      return repo.useRecoveryCode(tx, userId, sha256(normaliseRecoveryCode(proof.recoveryCode)), now);
    }
    const passkey = (await repo.listPasskeys(tx, userId)).find((p) => p.credential_id === proof.passkey.id);
    const challenge = await webauthnChallenge();
    if (!passkey || !challenge) return false;
    const result = await verifyAuthenticationResponse({
      response: proof.passkey,
      expectedChallenge: challenge,
      expectedOrigin: this.rp.origin,
      expectedRPID: this.rp.id,
      credential: {
        id: passkey.credential_id,
        publicKey: new Uint8Array(Buffer.from(passkey.public_key, 'base64url')),
        counter: passkey.counter,
        transports: passkey.transports,
      },
      requireUserVerification: false,
    }).catch(() => undefined);
    if (!result?.verified) return false;
    await repo.markPasskeyUsed(tx, passkey.credential_id, result.authenticationInfo.newCounter, now);
    return true;
  }

  /** Removes a factor; needs the password and a current factor (it may be the one removed). */
  async remove(
    viewer: Viewer,
    input: {
      factor: { kind: 'totp' } | { kind: 'passkey'; id: string };
      password: string;
      proof: SecondFactorProof;
    },
  ): Promise<SecondFactors> {
    await this.reauthenticate(viewer, input.password, input.proof);
    const removed =
      input.factor.kind === 'totp'
        ? await repo.deleteTotp(this.deps.db, viewer.id)
        : await repo.deletePasskey(this.deps.db, viewer.id, input.factor.id);
    if (!removed) throw new AppError('not_found', 'no such second factor on this account');
    if (!(await repo.hasSecondFactor(this.deps.db, viewer.id))) {
      await repo.replaceRecoveryCodes(this.deps.db, viewer.id, []);
    }
    return this.status(viewer);
  }

  /** New recovery codes (the old ones stop working); needs the password and a current factor. */
  async regenerateRecoveryCodes(viewer: Viewer, input: { password: string; proof: SecondFactorProof }) {
    await this.reauthenticate(viewer, input.password, input.proof);
    return { recoveryCodes: await this.deps.db.transaction((tx) => this.issueRecoveryCodes(tx, viewer.id)) };
  }

  private async reauthenticate(viewer: Viewer, password: string, proof: SecondFactorProof): Promise<void> {
    if (!(await this.checkPassword(viewer.id, password))) {
      throw new AppError('invalid_credentials', 'the password is wrong', [
        { field: '/body/password', message: 'is not this account’s password' },
      ]);
    }
    if (!(await repo.hasSecondFactor(this.deps.db, viewer.id))) {
      throw new AppError('not_found', 'this account has no second factor');
    }
    await this.verifySecondFactor(viewer.id, proof);
  }

  // — The second step of sign-in —

  /** After the password: a pending sign-in token when the account has a second factor, else undefined. */
  async beginSignIn(
    userId: number,
    token: string,
  ): Promise<{ methods: ('totp' | 'passkey' | 'recovery_code')[] } | undefined> {
    const [totp, passkeys] = await Promise.all([
      repo.findTotp(this.deps.db, userId),
      repo.listPasskeys(this.deps.db, userId),
    ]);
    const methods: ('totp' | 'passkey' | 'recovery_code')[] = [];
    if (totp?.confirmed_at) methods.push('totp');
    if (passkeys.length > 0) methods.push('passkey');
    if (methods.length === 0) return undefined;
    methods.push('recovery_code');
    await repo.insertSignInChallenge(this.deps.db, {
      tokenHash: sha256(token),
      userId,
      expiresAt: new Date(this.now().getTime() + SIGN_IN_TTL_MS),
    });
    return { methods };
  }

  private async pending(token: string | undefined) {
    const found =
      token && token.length <= 100
        ? await repo.findSignInChallenge(this.deps.db, sha256(token), this.now())
        : undefined;
    if (!found) throw new AppError('second_step_expired');
    return found;
  }

  /** WebAuthn options for the pending sign-in's passkey step. */
  async signInPasskeyOptions(token: string | undefined): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const pending = await this.pending(token);
    const options = await this.authenticationOptions(pending.user_id);
    await repo.setSignInWebauthnChallenge(this.deps.db, pending.token_hash, options.challenge);
    return options;
  }

  /**
   * Answers the pending sign-in's second step. Returns the user id once; a wrong answer counts against both the
   * pending sign-in (five, then the password is needed again) and the account.
   */
  async completeSignIn(token: string | undefined, proof: SecondFactorProof): Promise<number> {
    const pending = await this.pending(token);
    try {
      await this.checkProof(
        pending.user_id,
        proof,
        () => Promise.resolve(pending.webauthn_challenge),
        async (tx) => {
          if (!(await repo.deleteSignInChallenge(tx, pending.token_hash)))
            throw new AppError('second_step_expired');
        },
      );
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid_second_factor') {
        const failures = await repo.failSignInChallenge(this.deps.db, pending.token_hash);
        if (failures >= SIGN_IN_MAX_FAILURES) {
          await repo.deleteSignInChallenge(this.deps.db, pending.token_hash);
          throw new AppError(
            'second_step_expired',
            'too many wrong answers: sign in with your password again',
          );
        }
      }
      throw err;
    }
    return pending.user_id;
  }
}
