-- Identity and access: divisions and units (procuratorates), partners, users and roles,
-- credentials (API keys, web sessions), login throttling, and the append-only,
-- hash-chained audit log.

-- GB/T 2260 divisions of Liaoning (from fixtures/reference/liaoning-divisions.csv).
CREATE TABLE divisions (
    code        text PRIMARY KEY CHECK (code ~ '^[0-9]{6}$'),
    name        text NOT NULL,
    level       text NOT NULL CHECK (level IN ('province', 'city', 'county')),
    parent_code text REFERENCES divisions (code)
);

INSERT INTO divisions (code, name, level, parent_code) VALUES
    ('210000', '辽宁省', 'province', NULL),
    ('210100', '沈阳市', 'city', '210000'),
    ('210200', '大连市', 'city', '210000'),
    ('210300', '鞍山市', 'city', '210000'),
    ('210400', '抚顺市', 'city', '210000'),
    ('210500', '本溪市', 'city', '210000'),
    ('210600', '丹东市', 'city', '210000'),
    ('210700', '锦州市', 'city', '210000'),
    ('210800', '营口市', 'city', '210000'),
    ('210900', '阜新市', 'city', '210000'),
    ('211000', '辽阳市', 'city', '210000'),
    ('211100', '盘锦市', 'city', '210000'),
    ('211200', '铁岭市', 'city', '210000'),
    ('211300', '朝阳市', 'city', '210000'),
    ('211400', '葫芦岛市', 'city', '210000'),
    ('210102', '和平区', 'county', '210100'),
    ('210103', '沈河区', 'county', '210100'),
    ('210104', '大东区', 'county', '210100'),
    ('210105', '皇姑区', 'county', '210100'),
    ('210106', '铁西区', 'county', '210100'),
    ('210111', '苏家屯区', 'county', '210100'),
    ('210112', '浑南区', 'county', '210100'),
    ('210113', '沈北新区', 'county', '210100'),
    ('210114', '于洪区', 'county', '210100'),
    ('210115', '辽中区', 'county', '210100'),
    ('210123', '康平县', 'county', '210100'),
    ('210124', '法库县', 'county', '210100'),
    ('210181', '新民市', 'county', '210100'),
    ('210202', '中山区', 'county', '210200'),
    ('210203', '西岗区', 'county', '210200'),
    ('210204', '沙河口区', 'county', '210200'),
    ('210211', '甘井子区', 'county', '210200'),
    ('210212', '旅顺口区', 'county', '210200'),
    ('210213', '金州区', 'county', '210200'),
    ('210214', '普兰店区', 'county', '210200'),
    ('210224', '长海县', 'county', '210200'),
    ('210281', '瓦房店市', 'county', '210200'),
    ('210283', '庄河市', 'county', '210200'),
    ('210302', '铁东区', 'county', '210300'),
    ('210303', '铁西区', 'county', '210300'),
    ('210304', '立山区', 'county', '210300'),
    ('210311', '千山区', 'county', '210300'),
    ('210321', '台安县', 'county', '210300'),
    ('210323', '岫岩满族自治县', 'county', '210300'),
    ('210381', '海城市', 'county', '210300'),
    ('210402', '新抚区', 'county', '210400'),
    ('210403', '东洲区', 'county', '210400'),
    ('210404', '望花区', 'county', '210400'),
    ('210411', '顺城区', 'county', '210400'),
    ('210421', '抚顺县', 'county', '210400'),
    ('210422', '新宾满族自治县', 'county', '210400'),
    ('210423', '清原满族自治县', 'county', '210400'),
    ('210502', '平山区', 'county', '210500'),
    ('210503', '溪湖区', 'county', '210500'),
    ('210504', '明山区', 'county', '210500'),
    ('210505', '南芬区', 'county', '210500'),
    ('210521', '本溪满族自治县', 'county', '210500'),
    ('210522', '桓仁满族自治县', 'county', '210500'),
    ('210602', '元宝区', 'county', '210600'),
    ('210603', '振兴区', 'county', '210600'),
    ('210604', '振安区', 'county', '210600'),
    ('210624', '宽甸满族自治县', 'county', '210600'),
    ('210681', '东港市', 'county', '210600'),
    ('210682', '凤城市', 'county', '210600'),
    ('210702', '古塔区', 'county', '210700'),
    ('210703', '凌河区', 'county', '210700'),
    ('210711', '太和区', 'county', '210700'),
    ('210726', '黑山县', 'county', '210700'),
    ('210727', '义县', 'county', '210700'),
    ('210781', '凌海市', 'county', '210700'),
    ('210782', '北镇市', 'county', '210700'),
    ('210802', '站前区', 'county', '210800'),
    ('210803', '西市区', 'county', '210800'),
    ('210804', '鲅鱼圈区', 'county', '210800'),
    ('210811', '老边区', 'county', '210800'),
    ('210881', '盖州市', 'county', '210800'),
    ('210882', '大石桥市', 'county', '210800'),
    ('210902', '海州区', 'county', '210900'),
    ('210903', '新邱区', 'county', '210900'),
    ('210904', '太平区', 'county', '210900'),
    ('210905', '清河门区', 'county', '210900'),
    ('210911', '细河区', 'county', '210900'),
    ('210921', '阜新蒙古族自治县', 'county', '210900'),
    ('210922', '彰武县', 'county', '210900'),
    ('211002', '白塔区', 'county', '211000'),
    ('211003', '文圣区', 'county', '211000'),
    ('211004', '宏伟区', 'county', '211000'),
    ('211005', '弓长岭区', 'county', '211000'),
    ('211011', '太子河区', 'county', '211000'),
    ('211021', '辽阳县', 'county', '211000'),
    ('211081', '灯塔市', 'county', '211000'),
    ('211102', '双台子区', 'county', '211100'),
    ('211103', '兴隆台区', 'county', '211100'),
    ('211104', '大洼区', 'county', '211100'),
    ('211122', '盘山县', 'county', '211100'),
    ('211202', '银州区', 'county', '211200'),
    ('211204', '清河区', 'county', '211200'),
    ('211221', '铁岭县', 'county', '211200'),
    ('211223', '西丰县', 'county', '211200'),
    ('211224', '昌图县', 'county', '211200'),
    ('211281', '调兵山市', 'county', '211200'),
    ('211282', '开原市', 'county', '211200'),
    ('211302', '双塔区', 'county', '211300'),
    ('211303', '龙城区', 'county', '211300'),
    ('211321', '朝阳县', 'county', '211300'),
    ('211322', '建平县', 'county', '211300'),
    ('211324', '喀喇沁左翼蒙古族自治县', 'county', '211300'),
    ('211381', '北票市', 'county', '211300'),
    ('211382', '凌源市', 'county', '211300'),
    ('211402', '连山区', 'county', '211400'),
    ('211403', '龙港区', 'county', '211400'),
    ('211404', '南票区', 'county', '211400'),
    ('211421', '绥中县', 'county', '211400'),
    ('211422', '建昌县', 'county', '211400'),
    ('211481', '兴城市', 'county', '211400');

-- One procuratorate (院) per division. `path` lists the unit and its ancestors
-- ('/210000/210700/210781/'), so "this unit and every unit below it" is one LIKE.
CREATE TABLE units (
    code        text PRIMARY KEY REFERENCES divisions (code),
    name        text NOT NULL UNIQUE,
    level       text NOT NULL CHECK (level IN ('province', 'city', 'county')),
    parent_code text REFERENCES units (code),
    path        text NOT NULL UNIQUE
);

CREATE TEMP TABLE unit_names (code text PRIMARY KEY, name text NOT NULL) ON COMMIT DROP;
INSERT INTO unit_names (code, name) VALUES
    ('210000', '辽宁省人民检察院'),
    ('210100', '沈阳市人民检察院'),
    ('210200', '大连市人民检察院'),
    ('210300', '鞍山市人民检察院'),
    ('210400', '抚顺市人民检察院'),
    ('210500', '本溪市人民检察院'),
    ('210600', '丹东市人民检察院'),
    ('210700', '锦州市人民检察院'),
    ('210800', '营口市人民检察院'),
    ('210900', '阜新市人民检察院'),
    ('211000', '辽阳市人民检察院'),
    ('211100', '盘锦市人民检察院'),
    ('211200', '铁岭市人民检察院'),
    ('211300', '朝阳市人民检察院'),
    ('211400', '葫芦岛市人民检察院'),
    ('210102', '沈阳市和平区人民检察院'),
    ('210103', '沈阳市沈河区人民检察院'),
    ('210104', '沈阳市大东区人民检察院'),
    ('210105', '沈阳市皇姑区人民检察院'),
    ('210106', '沈阳市铁西区人民检察院'),
    ('210111', '沈阳市苏家屯区人民检察院'),
    ('210112', '沈阳市浑南区人民检察院'),
    ('210113', '沈阳市沈北新区人民检察院'),
    ('210114', '沈阳市于洪区人民检察院'),
    ('210115', '沈阳市辽中区人民检察院'),
    ('210123', '康平县人民检察院'),
    ('210124', '法库县人民检察院'),
    ('210181', '新民市人民检察院'),
    ('210202', '大连市中山区人民检察院'),
    ('210203', '大连市西岗区人民检察院'),
    ('210204', '大连市沙河口区人民检察院'),
    ('210211', '大连市甘井子区人民检察院'),
    ('210212', '大连市旅顺口区人民检察院'),
    ('210213', '大连市金州区人民检察院'),
    ('210214', '大连市普兰店区人民检察院'),
    ('210224', '长海县人民检察院'),
    ('210281', '瓦房店市人民检察院'),
    ('210283', '庄河市人民检察院'),
    ('210302', '鞍山市铁东区人民检察院'),
    ('210303', '鞍山市铁西区人民检察院'),
    ('210304', '鞍山市立山区人民检察院'),
    ('210311', '鞍山市千山区人民检察院'),
    ('210321', '台安县人民检察院'),
    ('210323', '岫岩满族自治县人民检察院'),
    ('210381', '海城市人民检察院'),
    ('210402', '抚顺市新抚区人民检察院'),
    ('210403', '抚顺市东洲区人民检察院'),
    ('210404', '抚顺市望花区人民检察院'),
    ('210411', '抚顺市顺城区人民检察院'),
    ('210421', '抚顺县人民检察院'),
    ('210422', '新宾满族自治县人民检察院'),
    ('210423', '清原满族自治县人民检察院'),
    ('210502', '本溪市平山区人民检察院'),
    ('210503', '本溪市溪湖区人民检察院'),
    ('210504', '本溪市明山区人民检察院'),
    ('210505', '本溪市南芬区人民检察院'),
    ('210521', '本溪满族自治县人民检察院'),
    ('210522', '桓仁满族自治县人民检察院'),
    ('210602', '丹东市元宝区人民检察院'),
    ('210603', '丹东市振兴区人民检察院'),
    ('210604', '丹东市振安区人民检察院'),
    ('210624', '宽甸满族自治县人民检察院'),
    ('210681', '东港市人民检察院'),
    ('210682', '凤城市人民检察院'),
    ('210702', '锦州市古塔区人民检察院'),
    ('210703', '锦州市凌河区人民检察院'),
    ('210711', '锦州市太和区人民检察院'),
    ('210726', '黑山县人民检察院'),
    ('210727', '义县人民检察院'),
    ('210781', '凌海市人民检察院'),
    ('210782', '北镇市人民检察院'),
    ('210802', '营口市站前区人民检察院'),
    ('210803', '营口市西市区人民检察院'),
    ('210804', '营口市鲅鱼圈区人民检察院'),
    ('210811', '营口市老边区人民检察院'),
    ('210881', '盖州市人民检察院'),
    ('210882', '大石桥市人民检察院'),
    ('210902', '阜新市海州区人民检察院'),
    ('210903', '阜新市新邱区人民检察院'),
    ('210904', '阜新市太平区人民检察院'),
    ('210905', '阜新市清河门区人民检察院'),
    ('210911', '阜新市细河区人民检察院'),
    ('210921', '阜新蒙古族自治县人民检察院'),
    ('210922', '彰武县人民检察院'),
    ('211002', '辽阳市白塔区人民检察院'),
    ('211003', '辽阳市文圣区人民检察院'),
    ('211004', '辽阳市宏伟区人民检察院'),
    ('211005', '辽阳市弓长岭区人民检察院'),
    ('211011', '辽阳市太子河区人民检察院'),
    ('211021', '辽阳县人民检察院'),
    ('211081', '灯塔市人民检察院'),
    ('211102', '盘锦市双台子区人民检察院'),
    ('211103', '盘锦市兴隆台区人民检察院'),
    ('211104', '盘锦市大洼区人民检察院'),
    ('211122', '盘山县人民检察院'),
    ('211202', '铁岭市银州区人民检察院'),
    ('211204', '铁岭市清河区人民检察院'),
    ('211221', '铁岭县人民检察院'),
    ('211223', '西丰县人民检察院'),
    ('211224', '昌图县人民检察院'),
    ('211281', '调兵山市人民检察院'),
    ('211282', '开原市人民检察院'),
    ('211302', '朝阳市双塔区人民检察院'),
    ('211303', '朝阳市龙城区人民检察院'),
    ('211321', '朝阳县人民检察院'),
    ('211322', '建平县人民检察院'),
    ('211324', '喀喇沁左翼蒙古族自治县人民检察院'),
    ('211381', '北票市人民检察院'),
    ('211382', '凌源市人民检察院'),
    ('211402', '葫芦岛市连山区人民检察院'),
    ('211403', '葫芦岛市龙港区人民检察院'),
    ('211404', '葫芦岛市南票区人民检察院'),
    ('211421', '绥中县人民检察院'),
    ('211422', '建昌县人民检察院'),
    ('211481', '兴城市人民检察院');

INSERT INTO units (code, name, level, parent_code, path)
WITH RECURSIVE tree AS (
    SELECT code, level, parent_code, '/' || code || '/' AS path FROM divisions WHERE parent_code IS NULL
    UNION ALL
    SELECT d.code, d.level, d.parent_code, t.path || d.code || '/'
    FROM divisions d JOIN tree t ON d.parent_code = t.code
)
SELECT tree.code, unit_names.name, tree.level, tree.parent_code, tree.path
FROM tree JOIN unit_names USING (code)
ORDER BY tree.path;

-- Organisations that upload batches (省工商联, local chambers).
CREATE TABLE partners (
    id          serial PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$'),
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id            serial PRIMARY KEY,
    login         text NOT NULL UNIQUE CHECK (login ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
    display_name  text NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 50),
    unit_code     text REFERENCES units (code),
    partner_id    integer REFERENCES partners (id),
    password_hash text CHECK (password_hash IS NULL OR password_hash LIKE '$2%'),
    created_at    timestamptz NOT NULL DEFAULT now(),
    disabled_at   timestamptz,
    CHECK (unit_code IS NULL OR partner_id IS NULL)
);
CREATE INDEX users_unit_code_idx ON users (unit_code);

CREATE TABLE user_roles (
    user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    text NOT NULL CHECK (role IN ('prosecutor', 'leader', 'uploader', 'office', 'admin')),
    PRIMARY KEY (user_id, role)
);

-- API keys of partners and API tokens of users. The key is shown once; only the SHA-256 of
-- its secret part is kept (the secret is 256 random bits, so a fast hash is enough).
CREATE TABLE api_keys (
    id            serial PRIMARY KEY,
    prefix        text NOT NULL UNIQUE,
    secret_sha256 bytea NOT NULL CHECK (length(secret_sha256) = 32),
    partner_id    integer REFERENCES partners (id),
    user_id       integer REFERENCES users (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz,
    revoked_at    timestamptz,
    last_used_at  timestamptz,
    CHECK ((partner_id IS NULL) <> (user_id IS NULL))
);

-- Server-side web sessions; the cookie holds a random token, the table its SHA-256.
CREATE TABLE sessions (
    token_sha256 bytea PRIMARY KEY CHECK (length(token_sha256) = 32),
    user_id      integer NOT NULL REFERENCES users (id),
    csrf_token   text NOT NULL,
    address      text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    ended_at     timestamptz
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- Failed logins, for slowing down guessing per account and per address.
CREATE TABLE login_failures (
    id        bigserial PRIMARY KEY,
    login     text NOT NULL,
    address   text NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_login_idx ON login_failures (login, failed_at);
CREATE INDEX login_failures_address_idx ON login_failures (address, failed_at);

-- The audit log: append-only and hash-chained. Each row's hash is
-- SHA-256(previous row's hash || canonical text of this row); the first row chains to 32 zero
-- bytes. Rows are numbered inside the insert trigger under a transaction-scoped advisory
-- lock, so id order is chain order even with concurrent writers.
-- Writers should insert audit rows last in their transaction: the lock is held until commit.
CREATE SEQUENCE audit_events_id_seq;
CREATE TABLE audit_events (
    id          bigint PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL,
    actor_label text NOT NULL DEFAULT '',
    action      text NOT NULL CHECK (action ~ '^[a-z_]+\.[a-z_.]+$'),
    entity      text NOT NULL DEFAULT '',
    entity_id   text NOT NULL DEFAULT '',
    address     text NOT NULL DEFAULT '',
    summary     jsonb NOT NULL DEFAULT '{}',
    prev_hash   bytea NOT NULL,
    hash        bytea NOT NULL
);
ALTER SEQUENCE audit_events_id_seq OWNED BY audit_events.id;

-- The text that is hashed; `huqi audit verify` reads it and recomputes the chain in Swift.
CREATE FUNCTION audit_canonical(e audit_events) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws(E'\x1f', e.id::text,
                     to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                     e.actor, e.actor_label, e.action, e.entity, e.entity_id, e.address, e.summary::text)
$$;

CREATE FUNCTION audit_events_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    previous bytea;
BEGIN
    PERFORM pg_advisory_xact_lock(7235011);
    NEW.id := nextval('audit_events_id_seq');
    SELECT hash INTO previous FROM audit_events ORDER BY id DESC LIMIT 1;
    NEW.prev_hash := coalesce(previous, decode(repeat('00', 32), 'hex'));
    NEW.hash := sha256(NEW.prev_hash || convert_to(audit_canonical(NEW), 'UTF8'));
    RETURN NEW;
END
$$;

CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_chain();

CREATE FUNCTION audit_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
