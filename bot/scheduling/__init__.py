"""The scheduler: the tick that queues what is due, delivery of the outbox, nudges, the runtime."""
