"""The weekly summary's Excel workbook, read back by two other programs: openpyxl (sheet names,
bold frozen header, numbers as numbers, the rate's percent format) and LibreOffice (every sheet
converted to CSV reproduces the numbers of the JSON rendering of the same week).

Run by ops/e2e/run after the browser test, on the same database:
    python3 ops/e2e/xlsx_check.py HUQI_BIN OUT_DIR"""

import csv
import datetime
import glob
import json
import os
import subprocess
import sys

import openpyxl

HUQI, OUT = sys.argv[1], sys.argv[2]
STAGES = "各阶段进出与周末存量"
RESOLUTION = "化解情况"


def check(condition, message):
    if not condition:
        print(f"FAILED: {message}", file=sys.stderr)
        sys.exit(1)
    print(f"ok - {message}")


def main():
    year, week, _ = datetime.date.today().isocalendar()
    name = f"{year}-W{week:02d}"
    book_path, json_path = os.path.join(OUT, "weekly.xlsx"), os.path.join(OUT, "weekly.json")
    for fmt, path in (("xlsx", book_path), ("json", json_path)):
        subprocess.run([HUQI, "report", "weekly", "--week", name, "--format", fmt, "-o", path], check=True, capture_output=True)
    numbers = json.load(open(json_path, encoding="utf-8"))
    stages = {s["name"]: s for s in numbers["stages"]}

    book = openpyxl.load_workbook(book_path)
    check(STAGES in book.sheetnames and RESOLUTION in book.sheetnames and book.sheetnames[0] == "说明",
          f"openpyxl reads the sheets ({len(book.sheetnames)}: {', '.join(book.sheetnames[:4])}, …)")
    sheet = book[STAGES]
    check(sheet.freeze_panes == "A2" and all(cell.font.b for cell in sheet[1]), "the header row is frozen and bold")
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] in stages}  # not the note below
    check(all(isinstance(v, int) for r in rows.values() for v in r), "stage counts are numbers")
    check(all(list(rows[n]) == [s["entered"], s["left"], s["moved_in"], s["moved_out"], s["stock_at_end"]] for n, s in stages.items()),
          "every stage's entered / left / moved in / moved out / stock equals the JSON rendering")
    resolution = book[RESOLUTION]
    rate = resolution.cell(row=2, column=5)
    week_rate = numbers["resolution"]["week"]["rate"]
    if week_rate["denominator"] > 0:
        check(rate.number_format == "0.0%" and abs(rate.value - week_rate["numerator"] / week_rate["denominator"]) < 1e-9,
              "the week's 化解率 is a percentage of the exact fraction")
    else:
        check(isinstance(rate.value, str), "a rate without denominator stays text")

    subprocess.run(["soffice", "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
                    "--outdir", OUT, book_path], check=True, capture_output=True, timeout=300)
    converted = [p for p in glob.glob(os.path.join(OUT, "weekly-*.csv")) if STAGES in os.path.basename(p)]
    check(len(converted) == 1, "LibreOffice converts every sheet of the workbook to CSV")
    with open(converted[0], encoding="utf-8") as f:
        table = list(csv.reader(f))
    from_office = {r[0]: [int(float(v)) for v in r[1:6]] for r in table[1:] if r and r[0] in stages}
    check(from_office == {n: [s["entered"], s["left"], s["moved_in"], s["moved_out"], s["stock_at_end"]] for n, s in stages.items()},
          "LibreOffice's CSV of the stage sheet reproduces the numbers")


if __name__ == "__main__":
    main()
