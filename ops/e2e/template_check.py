"""The handover template (移交表模板) as a partner uses it: downloaded from the running server,
filled in with batch 4's rows the way Excel stores what a person types (digits become numbers,
dates become date serials — except in columns formatted as text), saved by openpyxl, uploaded
back: every row must be accepted. Without the template's text format, the 18-digit ID numbers
would be stored as floating-point numbers and their rows rejected. LibreOffice must open it too.

Run by ops/e2e/run while `huqi serve` runs:
    python3 ops/e2e/template_check.py HUQI_BIN OUT_DIR BASE_URL"""

import csv
import datetime
import json
import os
import re
import subprocess
import sys
import urllib.request

import openpyxl

HUQI, OUT, BASE = sys.argv[1], sys.argv[2], sys.argv[3]
BATCH = os.path.join("fixtures", "batches", "batch4-utf8.csv")


def check(condition, message):
    if not condition:
        print(f"FAILED: {message}", file=sys.stderr)
        sys.exit(1)
    print(f"ok - {message}")


def typed(text, column_is_text):
    """What Excel keeps when a person types `text` into a cell."""
    if column_is_text or text == "":
        return text or None
    if re.fullmatch(r"-?\d+", text):
        return int(text) if len(text) < 16 else float(text)  # Excel keeps 15 significant digits
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return datetime.datetime.strptime(text, "%Y-%m-%d")
    return text


def upload(path, auth):
    request = urllib.request.Request(f"{BASE}/api/v1/batches", data=open(path, "rb").read(), method="POST",
                                     headers={**auth, "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def main():
    token = subprocess.run([HUQI, "user", "token", "up.lnfic"], check=True, capture_output=True, text=True).stdout.strip()
    auth = {"Authorization": f"Bearer {token}"}
    template = os.path.join(OUT, "handover-template.xlsx")
    with urllib.request.urlopen(urllib.request.Request(f"{BASE}/api/v1/batches/template", headers=auth)) as response:
        open(template, "wb").write(response.read())

    book = openpyxl.load_workbook(template)
    check(book.sheetnames == ["移交表", "填写说明"], "openpyxl reads the template's two sheets")
    sheet = book["移交表"]
    header = [c.value for c in sheet[1]]
    rows = list(csv.reader(open(BATCH, encoding="utf-8-sig")))
    check(header == rows[0], "the template's header is the handover form's (batch 4's header row)")
    text_columns = {i for i in range(len(header))
                    if sheet.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].number_format == "@"}
    check({header[i] for i in text_columns} == {"案件编号", "统一社会信用代码", "反映人身份证号", "联系电话"},
          "案件编号, 统一社会信用代码, 反映人身份证号 and 联系电话 are text columns")
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    check(lists.get("F2:F1001") == '"民营,国有,外资,个体,其他"' and len(lists) == 4, "the closed lists are drop-downs")
    for r, row in enumerate(rows[1:], start=2):
        for c, text in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=typed(text, c - 1 in text_columns))
            if isinstance(cell.value, datetime.datetime):
                cell.number_format = "yyyy-mm-dd"
    filled = os.path.join(OUT, "handover-template-filled.xlsx")
    book.save(filled)

    answer = upload(filled, auth)
    counts = answer["counts"]
    check(answer["status"] == "applied" and counts["accepted"] == len(rows) - 1 and counts["rejected"] == 0,
          f"the filled-in template uploads: {counts['accepted']} of {len(rows) - 1} rows accepted, none rejected")

    # A row refused, handed back as a workbook, fixed in it (by openpyxl, as a person in Excel), uploaded again.
    broken = "LNFIC-2026-9-001"
    sheet.cell(row=2, column=2, value=broken)
    sheet.cell(row=2, column=header.index("诉求内容") + 1, value="要求解除对公司账户的错误冻结，恢复正常经营。")  # not batch 4's case again
    code_column = header.index("统一社会信用代码") + 1
    good_code = sheet.cell(row=2, column=code_column).value
    sheet.cell(row=2, column=code_column, value=good_code[:-1] + ("0" if good_code[-1] != "0" else "1"))
    for r in range(3, sheet.max_row + 1):
        for c in range(1, len(header) + 1):
            sheet.cell(row=r, column=c, value=None)
    one_row = os.path.join(OUT, "handover-one-bad-row.xlsx")
    book.save(one_row)
    answer = upload(one_row, auth)
    check(answer["counts"]["rejected"] == 1, "a row with a wrong check character is refused")
    back = os.path.join(OUT, "handover-rejected.xlsx")
    with urllib.request.urlopen(urllib.request.Request(f"{BASE}/api/v1/batches/{answer['batch_id']}/rejected", headers=auth)) as response:
        open(back, "wb").write(response.read())
    returned = openpyxl.load_workbook(back)["移交表"]
    returned_header = [c.value for c in returned[1]]
    check(returned_header == header + ["原行号", "问题说明"] and returned.max_row == 2
          and returned.cell(row=2, column=2).value == broken and "校验位应为" in returned.cell(row=2, column=len(header) + 2).value,
          "the rejected row comes back as written, with its row number and the problem")
    returned.cell(row=2, column=code_column, value=good_code)
    returned.parent.save(back)
    answer = upload(back, auth)
    warned = " ".join(w["message"] for w in answer.get("file_warnings", []))
    check(answer["counts"]["accepted"] == 1 and answer["counts"]["rejected"] == 0 and "原行号" not in warned,
          "fixed in the returned workbook, the row is accepted (huqi's own columns raise no warning)")

    subprocess.run(["soffice", "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", OUT, template], check=True, capture_output=True, timeout=300)
    converted = next(csv.reader(open(os.path.join(OUT, "handover-template.csv"), encoding="utf-8-sig")))
    check(converted == rows[0], "LibreOffice opens the template and reads its header")


if __name__ == "__main__":
    main()
