import type { Queryable } from '../../infra/db/index.js';
import type { EventType, NewEvent } from './events.catalogue.js';

export type { EventData, EventType, NewEvent, OutboxEvent, SubjectType } from './events.catalogue.js';

/**
 * Appends to the event outbox. Call it with the transaction that makes the change, so the event exists
 * exactly when the change does. The type decides which data is accepted (see `EventData`).
 */
export async function insertEvent<T extends EventType>(tx: Queryable, event: NewEvent<T>): Promise<number> {
  const res = await tx.query<{ id: number }>(
    `INSERT INTO events (type, actor_id, subject_type, subject_id, data)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [event.type, event.actorId, event.subjectType, String(event.subjectId), JSON.stringify(event.data ?? {})],
  );
  const id = res.rows[0]!.id;
  for (const derive of derivers.values()) await derive(tx, event, id);
  return id;
}

/** Writes what an event implies (a notification, a delivery job) in the transaction that inserts the event. */
export type EventDeriver = (tx: Queryable, event: NewEvent, eventId: number) => Promise<void>;

const derivers = new Map<string, EventDeriver>();

/**
 * Registers `derive` to run for every event `insertEvent` appends, inside its transaction, so what it writes
 * exists exactly when the event does. Registering the same name again replaces the earlier one.
 */
export function deriveFromEvents(name: string, derive: EventDeriver): void {
  derivers.set(name, derive);
}
