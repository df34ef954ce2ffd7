"""Mail: the outbox messages are written to, what each message says, and sending over SMTP."""
