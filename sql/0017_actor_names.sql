-- Who acted, as pages and lists name them in Chinese. Audit actors are written as
--   'user:12'            a person (session or API token)  → their display name
--   'partner:3/key:7'    a partner's API key              → 辽宁省工商联（接口上传）
--   'cli:root'           a `huqi` command, by the operating-system login that ran it → 命令行（root）
--   'system'             the server's own scheduled work  → 系统
-- and anything else (test actors, older rows) has no name: callers show the raw actor then.
-- PL/pgSQL rather than SQL: an inlined CASE could fold a branch's integer cast of a literal
-- that belongs to another branch, and fail.

CREATE FUNCTION actor_name(actor text) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    key text[];
BEGIN
    key := regexp_match(actor, '^user:([0-9]{1,9})$');
    IF key IS NOT NULL THEN
        RETURN (SELECT display_name FROM users WHERE users.id = key[1]::integer);
    END IF;
    key := regexp_match(actor, '^partner:([0-9]{1,9})(/|$)');
    IF key IS NOT NULL THEN
        RETURN (SELECT name || '（接口上传）' FROM partners WHERE partners.id = key[1]::integer);
    END IF;
    IF actor LIKE 'cli:_%' THEN
        RETURN '命令行（' || substr(actor, 5) || '）';
    END IF;
    IF actor = 'system' THEN
        RETURN '系统';
    END IF;
    RETURN NULL;
END
$$;
