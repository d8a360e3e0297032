-- Triage (涉信访事项 or not) runs inside every intake transaction. Its rules are data: each
-- version is a row here, the newest applies, and every case keeps the version and the reasons
-- that decided it. Version 1 equals TriageRuleSet.standard in Sources/Domain/Triage (a test
-- checks they agree).

CREATE TABLE triage_rule_sets (
    version    integer PRIMARY KEY,
    rules      jsonb NOT NULL,
    note       text NOT NULL DEFAULT '',
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO triage_rule_sets (version, rules, note, created_by) VALUES
    (1, '{"version": 1, "petitionTerms": ["信访", "上访", "进京访", "12309", "来访"], "negations": ["尚未", "没有", "没", "未曾", "未", "从未", "不曾", "无"], "hypotheticals": ["如不", "如果", "若", "否则", "将会", "将", "拟", "准备", "打算", "考虑", "可能"], "affirmations": ["已", "曾", "多次", "先后", "反复", "屡次"], "placeAfter": ["对面", "旁边", "旁", "附近", "隔壁", "楼下", "楼上", "门口"], "placeBefore": ["位于", "地址", "地处", "坐落"], "clauseBreaks": "。；;，,！!？?\n"}', '初始规则：结构化字段优先；文本识别否定、假设与地点表述', 'migration');

ALTER TABLE cases
    ADD COLUMN petition_related    boolean,
    ADD COLUMN triage_reasons      text[] NOT NULL DEFAULT '{}',
    ADD COLUMN triage_rule_version integer REFERENCES triage_rule_sets (version);

CREATE INDEX cases_petition_related_idx ON cases (unit_code, petition_related);
