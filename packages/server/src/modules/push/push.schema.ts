import { Type } from 'typebox';
import { Obj } from '../../http/schema.js';

const base64url = (bytes: string) => `base64url (${bytes})`;

export const PushSubscriptionParams = Obj({
  id: Type.String({ pattern: '^ps_[A-Za-z0-9_-]{22}$', description: 'An opaque subscription id (ps_…)' }),
});

export const NewPushSubscription = Obj({
  endpoint: Type.String({ minLength: 1, maxLength: 2048, description: 'PushSubscription.endpoint' }),
  keys: Obj({
    p256dh: Type.String({
      pattern: '^[A-Za-z0-9_-]{86,88}={0,2}$',
      description: base64url('the subscription’s P-256 public key, 65 bytes'),
    }),
    auth: Type.String({
      pattern: '^[A-Za-z0-9_-]{21,24}={0,2}$',
      description: base64url('the 16-byte authentication secret'),
    }),
  }),
  label: Type.Optional(
    Type.String({
      maxLength: 80,
      description: 'How this device is shown in settings, e.g. “Firefox on Android”',
    }),
  ),
});

export const PushSubscriptionSchema = Obj(
  {
    id: Type.String(),
    label: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    lastSentAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    endpointHost: Type.String({ description: 'The push service this device uses (its host only)' }),
  },
  { description: 'One of your devices that receives Web Push alerts' },
);

export const PushSubscriptionList = Obj({ items: Type.Array(PushSubscriptionSchema) });

export const PushKey = Obj({
  publicKey: Type.String({
    description: 'The server’s VAPID public key (base64url) for pushManager.subscribe',
  }),
});
