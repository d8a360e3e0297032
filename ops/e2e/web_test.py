"""The web pages in a real browser (Chromium through Selenium), as the people who use them:
a partner's first sign-in opens only the 账号 page until the initial password is replaced (so
does everyone's: `login` replaces it), then uploads a fixture batch and sees its counts; a
prosecutor claims a case and takes it through evaluation, review (with a clue) and follow-up to
resolution; a leader filters the case list and assigns the case; a prosecutor of another unit
gets the 404 page for it, until the leader moves it there (移送); a provincial leader moves a
ticked case with 批量移送; the office issues and opens the weekly summary; an administrator loads
next year's holiday calendar, tries a triage term and reads the settings; pages without a
session redirect to the login page; a form without its CSRF token is refused.

Run by ops/e2e/run (which starts huqi serve); a screenshot of each step goes to HUQI_E2E_OUT."""

import datetime
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE = os.environ["HUQI_E2E_URL"]
OUT = os.environ["HUQI_E2E_OUT"]
HUQI = os.environ["HUQI_BIN"]
DATABASE = os.environ["HUQI_E2E_PSQL"]
PASSWORD = "Huqi-e2e-2026"
FIXTURE = os.path.join(os.getcwd(), "fixtures", "batches", "batch1-utf8-bom.csv")
step = 0


def browser():
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,768", "--lang=zh-CN"):
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    service = Service(executable_path="/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    driver.implicitly_wait(5)
    return driver


def click_and_wait(driver, element):
    """Clicks a submit button or link and waits until the next page replaced this one."""
    html = driver.find_element(By.TAG_NAME, "html")
    element.click()

    def replaced(_):
        try:
            html.is_enabled()
            return False
        except WebDriverException:  # stale, or "node does not belong to the document" (chromedriver's wording varies)
            return True
    WebDriverWait(driver, 15).until(replaced)


def shot(driver, name):
    global step
    step += 1
    driver.save_screenshot(os.path.join(OUT, f"{step:02d}-{name}.png"))


def check(condition, message):
    if not condition:
        print(f"FAILED: {message}", file=sys.stderr)
        sys.exit(1)
    print(f"ok - {message}")


def sql(query):
    return subprocess.run(["psql", DATABASE, "-qAt", "-c", query], check=True, capture_output=True, text=True).stdout.strip()


def add_user(login, unit, role, name):
    subprocess.run([HUQI, "user", "add", login, "--unit", unit, "--role", role, "--name", name, "--password-stdin", "--bcrypt-cost", "4"],
                   input=PASSWORD + "\n", text=True, check=True, capture_output=True)


passwords = {}  # each person's own password, once they replaced the initial one


def change_password(driver, current, new):
    """Fills and submits the 账号 page's 修改密码 form."""
    driver.find_element(By.ID, "current-password").send_keys(current)
    driver.find_element(By.ID, "new-password").send_keys(new)
    driver.find_element(By.ID, "repeat-password").send_keys(new)
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form.card button[type=submit]"))


def on_account_page(driver):
    return urllib.parse.urlparse(driver.current_url).path == "/app/account"


def login(driver, user, password=None, replace_initial=True):
    """Signs in; a first sign-in with the initial password replaces it on the 账号 page (as huqi
    requires) and then opens the person's first page."""
    password = password or passwords.get(user, PASSWORD)
    driver.get(BASE + "/login")
    driver.find_element(By.ID, "login").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password)
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
    if replace_initial and on_account_page(driver) and driver.find_elements(By.ID, "initial-password"):
        change_password(driver, password, password + "-own")
        check("密码已修改" in driver.page_source, f"{user} replaced the initial password before anything else")
        passwords[user] = password + "-own"
        driver.get(BASE + "/app")


def logout(driver):
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form.logout button"))


def claim(driver, stage_name):
    """Claims the next case of a stage's queue (a claim ends with the transition it was taken for)."""
    driver.get(BASE + "/app/queues")
    for row in driver.find_elements(By.CSS_SELECTOR, "tbody tr"):
        cells = row.find_elements(By.TAG_NAME, "td")
        if len(cells) > 1 and cells[1].text.strip() == stage_name:
            click_and_wait(driver, row.find_element(By.CSS_SELECTOR, "button[type=submit]"))
            return
    check(False, f"the queues list “{stage_name}”")


def submit_transition(driver, summary_text, fill):
    """Opens the <details> of one stage change on the case page, fills it and submits it."""
    for details in driver.find_elements(By.CSS_SELECTOR, "details"):
        if details.find_element(By.TAG_NAME, "summary").text.strip() == summary_text:
            details.find_element(By.TAG_NAME, "summary").click()
            fill(details)
            click_and_wait(driver, details.find_element(By.CSS_SELECTOR, "button[type=submit]"))
            return
    check(False, f"the case page offers “{summary_text}”")


def main():
    driver = browser()
    try:
        # Without a session every page leads to the login page, and back after it.
        driver.get(BASE + "/app/queues")
        check("/login" in driver.current_url and "next=" in driver.current_url, "an unauthenticated page redirects to the login page")
        login(driver, "up.lnfic", "wrong-password")
        check("用户名或密码错误" in driver.page_source, "a failed login says so")
        shot(driver, "login-failed")

        # Partner: the initial password an administrator set opens the 账号 page, and nothing
        # else, until it is replaced; then only the new one signs in.
        login(driver, "up.lnfic", replace_initial=False)
        check(on_account_page(driver) and driver.find_elements(By.ID, "initial-password"),
              "signing in with the initial password leads to the 账号 page")
        driver.get(BASE + "/app/batches")
        check(on_account_page(driver) and "next=/app/batches" in driver.current_url,
              "no other page opens before the initial password is replaced")
        shot(driver, "account")
        change_password(driver, PASSWORD, PASSWORD + "-own")
        check("密码已修改" in driver.page_source and not driver.find_elements(By.ID, "initial-password")
              and urllib.parse.urlparse(driver.current_url).path == "/app/batches",
              "the password is changed, the request to replace it is gone, and the page asked for opens")
        passwords["up.lnfic"] = PASSWORD + "-own"
        logout(driver)
        login(driver, "up.lnfic", PASSWORD)
        check("用户名或密码错误" in driver.page_source, "the old password no longer signs in")

        # Partner: upload batch 1 and see its counts.
        login(driver, "up.lnfic")
        check(driver.current_url.endswith("/app/batches"), "the new password signs in, and the uploader lands on the batch page")
        driver.find_element(By.ID, "file").send_keys(FIXTURE)
        driver.find_element(By.ID, "batch_no").send_keys("1")
        shot(driver, "upload-form")
        click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form.card button[type=submit]"))
        check(driver.find_element(By.ID, "count-total").text == "23", "the result page counts the batch's 23 rows")
        check(driver.find_element(By.ID, "count-accepted").text == "23", "all 23 are new cases")
        check("批次已保存" in driver.page_source, "the upload redirected to its result with a notice")
        shot(driver, "upload-result")
        driver.get(BASE + "/app/batches")
        check("已保存" in driver.find_element(By.TAG_NAME, "table").text, "the batch list shows the batch")

        click_and_wait(driver, driver.find_element(By.ID, "signed-in"))
        check(driver.current_url.endswith("/app/account"), "the name in the top bar opens the 账号 page")
        logout(driver)

        # A prosecutor of the unit whose first queued case is petition-related.
        unit = sql("""SELECT c.unit_code FROM cases c WHERE c.petition_related
                      AND NOT EXISTS (SELECT 1 FROM cases d WHERE d.unit_code = c.unit_code AND d.id < c.id) ORDER BY c.id LIMIT 1""")
        other = sql(f"SELECT code FROM units WHERE level = 'city' AND code <> '{unit}' AND code <> (SELECT coalesce(parent_code, '') FROM units WHERE code = '{unit}') ORDER BY code LIMIT 1")
        add_user("pros.a", unit, "prosecutor", "承办检察官")
        add_user("pros.b", other, "prosecutor", "外院检察官")
        add_user("leader.a", unit, "leader", "院领导")
        login(driver, "pros.a")
        check(driver.current_url.endswith("/app/queues"), "the prosecutor lands on the queues")
        shot(driver, "queues")
        claim(driver, "分流")
        check("/app/cases/" in driver.current_url and "已领取案件" in driver.page_source, "claim next opens the claimed case")
        case_url = driver.current_url.split("?")[0]
        facts = driver.find_element(By.CSS_SELECTOR, "dl.facts").text
        check("*" in facts, "the ID number and phone are masked")
        shot(driver, "case-claimed")

        submit_transition(driver, "受理评估", lambda form: None)
        check(driver.find_element(By.ID, "stage").text == "评估", "the case is in evaluation")
        claim(driver, "评估")
        check(driver.current_url.split("?")[0] == case_url, "the evaluation queue gives the same case")

        def evaluation(form):
            Select(form.find_element(By.NAME, "risk_level")).select_by_visible_text("中")
            form.find_element(By.NAME, "merits").send_keys("诉求部分有理，工程款拖欠属实。")
            form.find_element(By.NAME, "jurisdiction").send_keys("本院管辖")
        submit_transition(driver, "完成评估", evaluation)
        check(driver.find_element(By.ID, "stage").text == "评查", "evaluation done: the case is in review")
        claim(driver, "评查")

        def review(form):
            Select(form.find_element(By.NAME, "grade")).select_by_index(1)
            form.find_element(By.NAME, "clues").send_keys("某局超期未答复，建议移送监督。")
        submit_transition(driver, "完成评查", review)
        check(driver.find_element(By.ID, "stage").text == "接续办案", "review done with a clue: the case is in follow-up")
        check("某局超期未答复" in driver.page_source, "the clue is on the case page")
        claim(driver, "接续办案")
        shot(driver, "case-follow-up")

        def resolution(form):
            form.find_element(By.NAME, "actions").send_keys("组织双方座谈，督促支付。")
            Select(form.find_element(By.NAME, "how")).select_by_visible_text("和解")
        submit_transition(driver, "已化解", resolution)
        check(driver.find_element(By.ID, "stage").text == "已化解", "the matter is resolved")
        shot(driver, "case-resolved")

        # A form without its CSRF token is refused, even with the session cookie.
        cookie = driver.get_cookie("huqi_session")["value"]
        request = urllib.request.Request(BASE + "/app/queues/claim", data=urllib.parse.urlencode({"stage": "triage"}).encode(),
                                         headers={"Cookie": f"huqi_session={cookie}", "Content-Type": "application/x-www-form-urlencoded"})
        try:
            urllib.request.urlopen(request)
            check(False, "a form without the CSRF token is refused")
        except urllib.error.HTTPError as error:
            check(error.code == 403, f"a form without the CSRF token is refused (HTTP {error.code})")
        logout(driver)

        # The unit's leader assigns the case (waiting in its queue after resolution) to the prosecutor.
        login(driver, "leader.a")
        driver.get(BASE + "/app/cases")
        check(case_url.rsplit("/", 1)[1] in driver.find_element(By.TAG_NAME, "table").get_attribute("innerHTML"), "the leader's case list shows the unit's case")
        # The list's filters: 已化解 and 涉信访 keep the case; 非涉信访 then drops it, keeping the stage.
        filters = driver.find_element(By.ID, "case-filters")
        Select(filters.find_element(By.NAME, "stage")).select_by_value("resolved")
        Select(filters.find_element(By.NAME, "petition")).select_by_value("1")
        click_and_wait(driver, filters.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        cells = [row.text for row in driver.find_elements(By.CSS_SELECTOR, "table#cases tbody tr")]
        check("stage=resolved" in driver.current_url and "petition=1" in driver.current_url
              and f'/app/cases/{case_url.rsplit("/", 1)[1]}"' in driver.find_element(By.ID, "cases").get_attribute("innerHTML")
              and cells and all("已化解" in c and "涉信访" in c and "非涉信访" not in c for c in cells), f"the filter form narrows the list: {cells}")
        shot(driver, "leader-filtered")
        filters = driver.find_element(By.ID, "case-filters")
        check(Select(filters.find_element(By.NAME, "stage")).first_selected_option.text == "已化解", "the form keeps what was chosen")
        Select(filters.find_element(By.NAME, "petition")).select_by_value("0")
        click_and_wait(driver, filters.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        check("没有符合条件的案件" in driver.page_source and "stage=resolved" in driver.current_url, "非涉信访 among the resolved: none")
        driver.get(case_url)

        def assign(form):
            Select(form.find_element(By.NAME, "assignee_id")).select_by_visible_text("承办检察官（pros.a）")
        submit_transition(driver, "分派承办人", assign)
        check("已分派" in driver.page_source and "承办检察官" in driver.find_element(By.CSS_SELECTOR, "dl.facts").text,
              "the leader assigned a case to the prosecutor")
        shot(driver, "leader-assigned")
        logout(driver)

        # Another unit's prosecutor: the case is a 404 page.
        login(driver, "pros.b")
        driver.get(case_url)
        check("页面不存在，或您无权查看" in driver.page_source, "a prosecutor of another unit gets the 404 page")
        shot(driver, "other-unit-404")
        logout(driver)

        # The leader moves the case to that other unit (移送); its prosecutor then opens it.
        unit_name = sql(f"SELECT name FROM units WHERE code = '{unit}'")
        other_name = sql(f"SELECT name FROM units WHERE code = '{other}'")
        login(driver, "leader.a")
        driver.get(case_url)

        def transfer(form):
            Select(form.find_element(By.NAME, "unit_code")).select_by_value(other)
            form.find_element(By.NAME, "reason").send_keys("被申请人住所地不在本院辖区，移送有管辖权的检察院。")
        submit_transition(driver, f"移送其他检察院（现由{unit_name}办理）", transfer)
        check(driver.current_url.split("?")[0].endswith("/app/cases") and f"案件已移送至{other_name}" in driver.page_source,
              "the transfer returns the leader to the case list, saying where the case went")
        check(sql(f"SELECT unit_code || ' ' || (assignee_id IS NULL) FROM cases WHERE id = {case_url.rsplit('/', 1)[1]}") == f"{other} true",
              "the case now belongs to the other unit, and its holder let go")
        shot(driver, "leader-transferred")
        logout(driver)
        login(driver, "pros.b")
        driver.get(case_url)
        check(f"移送至{other_name}" in driver.find_element(By.CSS_SELECTOR, "ol.timeline").text,
              "the receiving unit's prosecutor opens the transferred case and its timeline names the transfer")
        check(f"{other_name}（移送自{unit_name}）" in driver.find_element(By.CSS_SELECTOR, "dl.facts").text,
              "the case page says where the case came from")
        logout(driver)

        # 批量移送 by a provincial leader: the row's check box belongs to the form under the table
        # (form="bulk-transfer"); one ticked case (not the one followed above) moves.
        add_user("leader.prov", "210000", "leader", "省院领导")
        login(driver, "leader.prov")
        driver.get(BASE + "/app/cases")
        case_id = case_url.rsplit("/", 1)[1]
        boxes = [b for b in driver.find_elements(By.CSS_SELECTOR, "input[name=case_id]")
                 if b.get_attribute("value") != case_id and sql(f"SELECT unit_code FROM cases WHERE id = {b.get_attribute('value')}") != other]
        check(boxes, "the leader's list offers cases to tick")
        moving = boxes[0].get_attribute("value")
        boxes[0].click()
        bulk = driver.find_element(By.ID, "bulk-transfer")
        Select(bulk.find_element(By.NAME, "unit_code")).select_by_value(other)
        bulk.find_element(By.NAME, "reason").send_keys("同一被申请人的案件，一并移送有管辖权的检察院。")
        click_and_wait(driver, bulk.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        bulk_target = sql(f"SELECT name FROM units WHERE code = '{other}'")
        check(f"已移送 1 件至{bulk_target}" in driver.page_source and sql(f"SELECT unit_code FROM cases WHERE id = {moving}") == other,
              "the ticked case is moved with the form under the list")
        shot(driver, "leader-bulk-transfer")
        logout(driver)

        # The office opens the weekly summary.
        login(driver, "office")
        check("/app/reports/weekly" in driver.current_url, "the office lands on the weekly summary page")
        shot(driver, "weekly-picker")
        # Last week (the page's default) issued from the page: one version more, said and listed.
        before = int(sql("SELECT count(*) FROM weekly_reports WHERE week = to_char((now() AT TIME ZONE 'Asia/Shanghai')::date - 7, 'IYYY-\"W\"IW')"))
        click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "#issue-week button"))
        check(f"周报第 {before + 1} 版。" in driver.page_source and "由项目办签发" in driver.find_element(By.ID, "snapshot-state").text,
              f"the office issues last week's summary from the page (version {before + 1})")
        shot(driver, "weekly-issued")
        year, week, _ = datetime.date.today().isocalendar()
        this_week = f"{year}-W{week:02d}"
        driver.get(BASE + "/app/reports/weekly?week=" + urllib.parse.quote(this_week))
        click_and_wait(driver, driver.find_element(By.ID, "open-weekly"))
        check("周报" in driver.title or "周报" in driver.page_source, "the weekly summary opens")
        shot(driver, "weekly-summary")
        driver.get(BASE + "/app/account")  # the printable summary has no menu
        logout(driver)

        # An administrator loads next year's holidays (a file as Excel saves it, GB18030, Chinese
        # kinds): the warning about 暂定 deadlines goes, and they are recomputed.
        login(driver, "admin.e2e")
        driver.get(BASE + "/app/admin/calendar")
        next_year = datetime.date.today().year + 1
        check(f"尚未载入 {next_year} 年" in driver.find_element(By.ID, "calendar-missing").text,
              "the calendar page warns while next year is not loaded")
        calendar_file = os.path.join(OUT, f"{next_year}年节假日.csv")
        with open(calendar_file, "wb") as f:
            f.write(f"日期,类别,名称\r\n{next_year}-01-01,放假,元旦\r\n{next_year}-02-06,上班,春节调休上班\r\n".encode("gb18030"))
        driver.find_element(By.ID, "calendar-file").send_keys(calendar_file)
        click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/app/admin/calendar'] button[value=preview]"))
        check(f"将载入{next_year} 年，共 2 个日期" in driver.find_element(By.ID, "calendar-preview").text
              and sql(f"SELECT count(*) FROM calendar_years WHERE year = {next_year}") == "0",
              "the preview says what loading would do and stores nothing")
        click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "#calendar-confirm button"))
        check(f"已载入 {next_year} 年（共 2 个日期）" in driver.page_source
              and sql("SELECT count(*) FROM case_deadlines WHERE provisional AND closed_on IS NULL") == "0",
              "next year's calendar is loaded from the page and no open deadline stays provisional")
        check("春节调休上班" in driver.find_element(By.ID, "calendar-days").text, "the year's days are listed")
        shot(driver, "admin-calendar")
        # 分流规则: a channel the rules miss, tried on a sentence in the browser (nothing stored).
        driver.get(BASE + "/app/admin/triage")
        terms = driver.find_element(By.ID, "petition_terms")
        terms.send_keys("、12345热线")
        driver.find_element(By.ID, "sample").send_keys("已多次拨打12345热线反映，至今未解决")
        click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "#triage-rules button[value=preview]"))
        trial = driver.find_element(By.ID, "triage-trial").text
        check("按修改后的规则：涉信访" in trial and "非涉信访" in trial and sql("SELECT count(*) FROM triage_rule_sets") == "1",
              "a new petition term is tried on a sentence beside the rules in force, and nothing is stored")
        shot(driver, "admin-triage")
        driver.get(BASE + "/app/admin/settings")
        check(driver.find_element(By.ID, "near-due-days").get_attribute("value") == "2", "the settings page shows the settings in force")
        shot(driver, "admin-settings")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
