/**
 * What every outgoing channel does with one message. Email is the first; text and voice follow
 * behind the same interface, each deciding which parts of the message it can carry.
 */
export type OutgoingMessage = {
  /** The outbox row's id. */
  id: string;
  /** Stable across retries, so a resend after a crash is recognisably the same message. */
  messageId: string;
  recipient: string;
  subject: string;
  text: string;
  html: string;
};

export type ChannelName = "email";

export interface Channel {
  readonly name: ChannelName;
  /** Resolves once the message is handed over; rejects with an error whose message names the cause, never the body. */
  send(message: OutgoingMessage): Promise<void>;
}

/** An error the next attempt cannot fix (the receiving server refused the address for good). */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentDeliveryError";
  }
}
