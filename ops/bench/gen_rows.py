#!/usr/bin/env python3
"""Writes N synthetic rows twice: raw (the handover form's CSV, as partners send it) and
normalized (the cases columns, as huqi would store them), for ops/bench/ingest.

    gen_rows.py N RAW.csv NORMALIZED.tsv PARTNER_ID BATCH_ID
"""
import sys

n, raw_path, norm_path, partner, batch = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
regions = [("凌海市", "210781"), ("沈阳市铁西区", "210106"), ("大连", "210200"), ("210781", "210781"), ("锦州", "210700"),
           ("朝阳县", "211321"), ("鞍山铁西区", "210303")]
codes = ["91210700MADR9L8F50", "91210231550644863P", "91110000600037341L"]
with open(raw_path, "w", encoding="utf-8") as raw, open(norm_path, "w", encoding="utf-8") as norm:
    raw.write("序号,案件编号,企业名称,统一社会信用代码,所在地区,企业类型,反映人,反映人身份证号,联系电话,被反映单位,案件类别,诉求内容,是否已信访,移交日期\r\n")
    for i in range(1, n + 1):
        region, code = regions[i % 7]
        claim = f"要求退还履约保证金{i}万元，工程款拖欠至今"
        day = f"2026-11-{10 + i % 7}"
        raw.write(f"{i},B-{i:08d},企业{i}有限公司,{codes[i % 3]},{region},民营,王某{i},11010519491231002X,+86 138 0416 5678,某局{i},申诉,{claim},否,{day}\r\n")
        norm.write("\t".join([partner, f"B-{i:08d}", batch, batch, code, code, str(i), f"企业{i}有限公司", codes[i % 3], "民营",
                              f"王某{i}", "11010519491231002X", "13804165678", f"某局{i}", "申诉", claim, "f", day]) + "\n")
