#!/usr/bin/env python3
"""Writes N synthetic rows twice: raw (the handover form's CSV, as partners send it) and
normalized (the cases columns, as huqi would store them), for ops/bench/ingest.

    gen_rows.py N RAW.csv NORMALIZED.tsv PARTNER_ID BATCH_ID [ROWS_DIR]

With ROWS_DIR it also writes, as COPY text, the other rows huqi stores for every new case
(cases get the ids 1..N when copied first into a new database):
    batch_rows.tsv   the row's outcome and raw cells      case_events.tsv  its intake event
    case_deadlines.tsv  its two reply deadlines             audit_events.tsv its audit event
"""
import json
import os
import sys

n, raw_path, norm_path, partner, batch = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
rows_dir = sys.argv[6] if len(sys.argv) > 6 else None
regions = [("凌海市", "210781"), ("沈阳市铁西区", "210106"), ("大连", "210200"), ("210781", "210781"), ("锦州", "210700"),
           ("朝阳县", "211321"), ("鞍山铁西区", "210303")]
codes = ["91210700MADR9L8F50", "91210231550644863P", "91110000600037341L"]
header = ["seq", "external_ref", "enterprise_name", "credit_code", "region", "enterprise_kind", "reporter_name",
          "reporter_id_number", "phone", "respondent", "matter_type", "claim", "petitioned_before", "handed_over_on"]


def copy_text(value):
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


companions = {}
if rows_dir:
    for name in ("batch_rows", "case_events", "case_deadlines", "audit_events"):
        companions[name] = open(os.path.join(rows_dir, name + ".tsv"), "w", encoding="utf-8")
with open(raw_path, "w", encoding="utf-8") as raw, open(norm_path, "w", encoding="utf-8") as norm:
    raw.write("序号,案件编号,企业名称,统一社会信用代码,所在地区,企业类型,反映人,反映人身份证号,联系电话,被反映单位,案件类别,诉求内容,是否已信访,移交日期\r\n")
    for i in range(1, n + 1):
        region, code = regions[i % 7]
        claim = f"要求退还履约保证金{i}万元，工程款拖欠至今"
        day = f"2026-11-{10 + i % 7}"
        cells = [str(i), f"B-{i:08d}", f"企业{i}有限公司", codes[i % 3], region, "民营", f"王某{i}", "11010519491231002X",
                 "+86 138 0416 5678", f"某局{i}", "申诉", claim, "否", day]
        raw.write(",".join(cells) + "\r\n")
        norm.write("\t".join([partner, f"B-{i:08d}", batch, batch, code, code, str(i), f"企业{i}有限公司", codes[i % 3], "民营",
                              f"王某{i}", "11010519491231002X", "13804165678", f"某局{i}", "申诉", claim, "f", day]) + "\n")
        if rows_dir:
            row = i + 1  # the header is line 1
            cell_json = json.dumps({"cells": dict(zip(header, cells)), "extra": {}}, ensure_ascii=False)
            companions["batch_rows"].write(f"{batch}\t{row}\taccepted\t{i}\t{copy_text(cell_json)}\t[]\n")
            payload = json.dumps({"batch": int(batch), "row": row, "petition_related": False})
            companions["case_events"].write(f"{i}\tintake\t\\N\ttriage\tcli:bench\t随批次受理\t{payload}\n")
            companions["case_deadlines"].write(f"{i}\tprocedural_reply\t2026-11-27\t2026-12-04\t2026-12-04\tcalendar\tf\n"
                                               f"{i}\tresult_reply\t2026-11-27\t2027-02-26\t2027-02-26\tcalendar\tt\n")
            summary = json.dumps({"batch": int(batch), "row": row, "outcome": "accepted", "petition_related": False,
                                  "triage_rule_version": 1})
            companions["audit_events"].write(f"cli:bench\tbench\tcase.create\tcase\t{i}\t{summary}\n")
for handle in companions.values():
    handle.close()
