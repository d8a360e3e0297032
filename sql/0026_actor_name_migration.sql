-- Rows a migration wrote (the first triage rule set, 0004) carry the actor 'migration'; pages
-- named it by that raw word ("由migration发布"). It is now 系统（初始数据）, beside the other names
-- of 0017 (unchanged).

CREATE OR REPLACE FUNCTION actor_name(actor text) RETURNS text
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
    IF actor = 'migration' THEN
        RETURN '系统（初始数据）';
    END IF;
    RETURN NULL;
END
$$;
