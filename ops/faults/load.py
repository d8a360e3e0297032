#!/usr/bin/env python3
"""Steady API load for the fault scripts: uploads of small batches (each with its own
Idempotency-Key), claim-and-release, and case-list reads, from several threads, for a while.
Every request is written as one JSON line: kind, start and end (seconds since the epoch),
HTTP status (0 for a connection error), and for acknowledged uploads the batch id.

    load.py BASE_URL PARTNER_KEY PROSECUTOR_TOKENS(comma-separated) SECONDS OUT.jsonl
"""
import json, sys, threading, time, urllib.error, urllib.request

base, partner_key, tokens, seconds, out_path = sys.argv[1], sys.argv[2], sys.argv[3].split(","), float(sys.argv[4]), sys.argv[5]
HEADER = "序号,案件编号,企业名称,统一社会信用代码,所在地区,企业类型,反映人,反映人身份证号,联系电话,被反映单位,案件类别,诉求内容,是否已信访,移交日期"
deadline = time.time() + seconds
lock = threading.Lock()
out = open(out_path, "w", encoding="utf-8")


def call(method, path, token, body=None, headers=None):
    request = urllib.request.Request(base + path, data=body, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)
    except OSError:
        return 0, b"", {}


def record(kind, start, status, body, headers, **extra):
    line = {"kind": kind, "start": start, "end": time.time(), "status": status, **extra}
    if status >= 400:
        try:
            problem = json.loads(body)
            line["code"], line["title"] = problem.get("code"), problem.get("title")
        except ValueError:
            line["body"] = body[:200].decode("utf-8", "replace")
        line["retry_after"] = headers.get("Retry-After")
    with lock:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


def uploader(worker):
    n = 0
    while time.time() < deadline:
        n += 1
        ref = f"LOAD-{worker}-{n:05d}"
        rows = [f"{i},{ref}-{i},负载企业{worker}{n}{i}有限公司,91210700MADR9L8F50,凌海市,民营,王某,,,"
                f"某局,申诉,要求退还保证金{n}万元,否,2026-11-20" for i in range(1, 4)]
        body = ("\r\n".join([HEADER] + rows) + "\r\n").encode("utf-8")
        start = time.time()
        status, answer, headers = call("POST", "/api/v1/batches", partner_key, body,
                                       {"Content-Type": "text/csv", "Idempotency-Key": ref})
        extra = {"key": ref}
        if status in (200, 201):
            extra["batch_id"] = json.loads(answer)["batch_id"]
        record("upload", start, status, answer, headers, **extra)
        time.sleep(0.05)


def claimer(token):
    while time.time() < deadline:
        start = time.time()
        status, answer, headers = call("POST", "/api/v1/queues/claim", token, b'{"stage": "triage"}',
                                       {"Content-Type": "application/json"})
        case_id = json.loads(answer)["id"] if status == 200 else None
        record("claim", start, status, answer, headers, case_id=case_id)
        if case_id:
            start = time.time()
            status, answer, headers = call("POST", f"/api/v1/cases/{case_id}/release", token, b"")
            record("release", start, status, answer, headers, case_id=case_id)
        time.sleep(0.05)


def reader(token):
    while time.time() < deadline:
        start = time.time()
        status, answer, headers = call("GET", "/api/v1/cases?limit=5", token)
        record("read", start, status, answer, headers)
        time.sleep(0.05)


threads = [threading.Thread(target=uploader, args=(w,)) for w in (1, 2)]
threads += [threading.Thread(target=claimer, args=(t,)) for t in tokens]
threads += [threading.Thread(target=reader, args=(tokens[0],))]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
out.close()
