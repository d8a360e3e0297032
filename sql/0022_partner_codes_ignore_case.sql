-- Partner codes are one code whatever their case: `huqi partner add p2` beside an existing P2
-- made a second partner that reports and lists could not tell apart, and `--partner gsl` did
-- not find GSL. Codes keep the case they were added with; uniqueness and every lookup by code
-- ignore it.

DO $$
DECLARE
    clash text;
BEGIN
    SELECT string_agg(codes, '；') INTO clash
    FROM (SELECT string_agg(code, '、' ORDER BY code) AS codes FROM partners GROUP BY lower(code) HAVING count(*) > 1) c;
    IF clash IS NOT NULL THEN
        RAISE EXCEPTION '合作单位代码只差大小写：%。请先把其中一个改名（UPDATE partners SET code = … WHERE id = …），再运行 huqi migrate。', clash;
    END IF;
END
$$;

CREATE UNIQUE INDEX partners_code_ci_key ON partners (lower(code));
