-- case_deadlines (case_id) duplicated the leading column of the unique (case_id, kind, seq):
-- every lookup by case uses the unique index as well, and each deadline row written (two per
-- case at intake) paid for one more index entry.
DROP INDEX case_deadlines_case_idx;
