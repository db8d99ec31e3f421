-- Version 2: failed-attempt counters in the database, so that every server instance on it counts
-- the same failures and a restart forgets none. A counter is named by an HMAC under the server key
-- of what it counts (a login as typed, a client address), never by the string itself.
CREATE TABLE login_failures (
    counter BYTEA PRIMARY KEY,
    window_start BIGINT NOT NULL,
    failures INTEGER NOT NULL
);
-- Counters whose window has passed are deleted at each failure.
CREATE INDEX login_failures_by_window ON login_failures(window_start);
