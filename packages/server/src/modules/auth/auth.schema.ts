import { Type } from 'typebox';
import { Obj } from '../../http/schema.js';
import { MeSchema } from '../users/users.schema.js';
import { FactorMethods } from './mfa.schema.js';

const Email = Type.String({ format: 'email', maxLength: 254 });
const Password = Type.String({ minLength: 8, maxLength: 256, description: 'At least 8 characters' });

export const SignUpBody = Obj({
  email: Email,
  password: Password,
  displayName: Type.String({ minLength: 1, maxLength: 60, pattern: '\\S' }),
});

export const SignInBody = Obj({
  email: Email,
  password: Type.String({ minLength: 1, maxLength: 256 }),
});

export const SessionSchema = Obj({
  user: Type.Union([MeSchema, Type.Null()]),
  csrfToken: Type.String({ description: 'Send as the X-CSRF-Token header on every state-changing request' }),
  secondFactorRequired: Type.Optional(
    Type.Boolean({
      description:
        'true: this staff or agency session has not passed a second factor and may only enrol one (403 `second_factor_required` elsewhere)',
    }),
  ),
  secondStep: Type.Optional(
    Obj(
      { methods: FactorMethods },
      {
        description:
          'After a correct password for an account with a second factor: `user` is null until POST /api/auth/second-factor answers one of these',
      },
    ),
  ),
});
