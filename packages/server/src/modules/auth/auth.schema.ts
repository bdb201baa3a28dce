import { Type } from 'typebox';
import { Obj } from '../../http/schema.js';
import { MeSchema } from '../users/users.schema.js';

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
});
