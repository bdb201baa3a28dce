import { POST_CATEGORIES } from '@porchlight/policy';
import { Type } from 'typebox';
import { Literals, Obj } from '../../http/schema.js';

const DateTime = Type.String({ format: 'date-time' });

export const NotificationSchema = Obj(
  {
    id: Type.String({ description: 'An opaque notification id (nt_…)' }),
    kind: Literals(['reply', 'reaction', 'moderation', 'appeal', 'comment', 'update'] as const),
    title: Type.String(),
    body: Type.String(),
    url: Type.String({ description: 'Where in the app the item leads (the post’s page)' }),
    createdAt: DateTime,
    read: Type.Boolean(),
    post: Obj({ id: Type.String(), title: Type.String(), hidden: Type.Boolean() }),
    reason: Type.Union([Type.String(), Type.Null()], {
      description: 'A moderator’s stated reason (moderation decisions and appeals)',
    }),
    canAppeal: Type.Boolean({
      description: 'The post is hidden by this decision and not yet appealed: its page offers the appeal',
    }),
  },
  { description: 'Something that happened to one of your posts or a post you follow; only you can see it' },
);

export const NotificationList = Obj({
  items: Type.Array(NotificationSchema, { description: 'Newest first, at most 50' }),
  unread: Type.Integer(),
});
export const UnreadCount = Obj({ unread: Type.Integer({ description: 'Unread notifications (the bell)' }) });
export const MarkedRead = Obj({ marked: Type.Integer({ description: 'How many were unread' }) });
export const NotificationParams = Obj({
  id: Type.String({ pattern: '^nt_[A-Za-z0-9_-]{22}$', description: 'An opaque notification id (nt_…)' }),
});

const HHMM = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'Local time, HH:MM' });

export const AlertSettingsSchema = Obj(
  {
    categories: Type.Array(Literals(POST_CATEGORIES), {
      maxItems: POST_CATEGORIES.length,
      uniqueItems: true,
      description: 'Categories of new nearby posts sent by push or email (none: only your own posts’ news)',
    }),
    radiusM: Type.Integer({
      minimum: 200,
      maximum: 8000,
      description: 'Alert radius around your home, metres (may be smaller than the feed’s)',
    }),
    quietHours: Type.Union([Obj({ start: HHMM, end: HHMM }), Type.Null()], {
      description:
        'No push or email between these local times; what arrives meanwhile comes as a digest after',
    }),
    timeZone: Type.String({
      maxLength: 64,
      description: 'IANA time zone of the quiet hours and digest, e.g. Europe/Berlin',
    }),
    channels: Obj({
      inApp: Type.Boolean({ description: 'Badge and live alerts in the app' }),
      push: Type.Boolean({ description: 'Web Push to your subscribed devices' }),
      email: Literals(['off', 'instant', 'digest'] as const, {
        description: 'Mail each alert, one daily digest (07:30 local), or none',
      }),
    }),
  },
  { description: 'What Porchlight alerts you about, and how' },
);

export const UnsubscribeQuery = Obj({
  token: Type.String({ minLength: 20, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
});
export const Unsubscribed = Obj({ unsubscribed: Type.Literal(true) });
