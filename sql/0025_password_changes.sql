-- People change their own passwords (the 账号 page); administrators and operators set a new
-- one for someone who forgot theirs. A password someone else set is an initial password: the
-- pages ask its owner to replace it with one only they know. Every password before this
-- migration was set by an administrator or an operator (there was no other way), so each
-- counts as initial.
ALTER TABLE users
    ADD COLUMN password_changed_at timestamptz,
    ADD COLUMN password_is_initial boolean NOT NULL DEFAULT false;

UPDATE users SET password_is_initial = true WHERE password_hash IS NOT NULL;

-- A password is initial only while there is one.
ALTER TABLE users ADD CONSTRAINT users_initial_password_check
    CHECK (NOT password_is_initial OR password_hash IS NOT NULL);
