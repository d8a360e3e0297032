import Domain

/// The summary as titled tables of text cells: the shared shape of the CSV, Markdown and HTML
/// renderings, so that all three always show the same numbers in the same order.
struct ReportTable {
    var title: String
    var header: [String]
    var rows: [[String]]
    /// A line under the table (a rate's definition).
    var note: String?
}

enum WeeklyTables {
    static func ratio(_ ratio: Ratio) -> String { "\(ratio.percentText)（\(ratio.numerator)/\(ratio.denominator)）" }

    static func all(_ s: WeeklySummary) -> [ReportTable] {
        var tables: [ReportTable] = []
        tables.append(ReportTable(
            title: "一、批次与数据接收（按合作单位）",
            header: ["合作单位", "本周批次", "本周行数", "本周新增", "本周更正", "本周疑似重复", "本周退回", "累计批次", "累计行数", "累计新增", "累计退回"],
            rows: s.intake.map { p in
                ["\(p.partnerName)（\(p.partner)）", "\(p.week.batches)", "\(p.week.rows)", "\(p.week.accepted)", "\(p.week.updated)",
                 "\(p.week.duplicate)", "\(p.week.rejected)", "\(p.cumulative.batches)", "\(p.cumulative.rows)",
                 "\(p.cumulative.accepted)", "\(p.cumulative.rejected)"]
            }))
        tables.append(ReportTable(
            title: "二、分流", header: ["", "涉信访事项", "其他案件", "人工更正分流"],
            rows: [["本周", "\(s.triage.week.petitionRelated)", "\(s.triage.week.other)", "\(s.triage.week.overrides)"],
                   ["累计", "\(s.triage.cumulative.petitionRelated)", "\(s.triage.cumulative.other)", "\(s.triage.cumulative.overrides)"]]))
        tables.append(ReportTable(
            title: "三、各阶段进出与周末存量", header: ["阶段", "本周进入", "本周转出", "本周移入", "本周移出", "周末存量"],
            rows: s.stages.map { [$0.name, "\($0.entered)", "\($0.left)", "\($0.movedIn)", "\($0.movedOut)", "\($0.stockAtEnd)"] },
            note: "移入、移出：案件在检察院之间移送（含更正所在地区后改由他院办理），按移送时所处阶段计；本范围内两院之间的移送，移入、移出各计一次"))
        let kinds = TransitionRequest.resolutionKinds
        tables.append(ReportTable(
            title: "四、化解情况", header: ["", "已化解", "未化解", "进入评估", "化解率"] + kinds,
            rows: [("本周", s.resolution.week), ("累计", s.resolution.cumulative)].map { label, r in
                [label, "\(r.resolved)", "\(r.unresolved)", "\(r.takenIntoHandling)", ratio(r.rate)] + kinds.map { "\(r.byKind[$0] ?? 0)" }
            },
            note: Ratio.resolutionDefinition))
        tables.append(ReportTable(
            title: "五、答复及时性", header: ["", "7日程序性答复按期率", "3个月结果答复按期率"],
            rows: [["本周", ratio(s.timeliness.procedural.week), ratio(s.timeliness.result.week)],
                   ["累计", ratio(s.timeliness.procedural.cumulative), ratio(s.timeliness.result.cumulative)],
                   ["周末逾期未答复", "\(s.timeliness.overdueAtEnd)", ""],
                   ["下周到期", "\(s.timeliness.nearDueNextWeek)", ""]],
            note: Ratio.proceduralDefinition + "；" + Ratio.resultDefinition))
        tables.append(ReportTable(
            title: "六、监督线索", header: ["", "新发现", "已移送", "有结果"],
            rows: [["本周", "\(s.clues.week.created)", "\(s.clues.week.transferred)", "\(s.clues.week.withResult)"],
                   ["累计", "\(s.clues.cumulative.created)", "\(s.clues.cumulative.transferred)", "\(s.clues.cumulative.withResult)"]]))
        tables.append(ReportTable(title: "七、领导包案（累计，按领导层级）", header: ["层级", "包案件数"],
                                  rows: s.leadCases.map { [$0.levelName, "\($0.cases)"] }))
        tables.append(ReportTable(title: "八、典型案例（本周标记）", header: ["案件", "企业", "简介"],
                                  rows: s.typicalCases.map { ["\($0.caseID)", $0.title, $0.summary] }))
        let areaHeader = ["本周新受理", "其中涉信访", "本周化解", "本周移入", "本周移出", "周末在办"]
        tables.append(ReportTable(title: "九、分市情况（14个市）", header: ["市"] + areaHeader,
                                  rows: s.cities.map { [$0.name] + Self.areaCells($0) }))
        tables.append(ReportTable(title: "十、分院情况", header: ["检察院"] + areaHeader,
                                  rows: s.units.map { [$0.name] + Self.areaCells($0) }))
        tables.append(ReportTable(title: "十一、逾期最久的案件", header: ["案件编号", "企业", "承办院", "期限", "到期日", "逾期天数"],
                                  rows: s.overdueLongest.map { [$0.externalRef, $0.enterpriseName, $0.unitName, $0.deadline, $0.dueOn.description, "\($0.daysOverdue)"] }))
        tables.append(ReportTable(title: "十二、退回行最多的批次", header: ["批次", "合作单位", "批次号", "退回行", "总行数"],
                                  rows: s.mostRejectedBatches.map { ["\($0.batchID)", $0.partner, $0.batchNumber.map(String.init) ?? "", "\($0.rejected)", "\($0.total)"] }))
        tables.append(ReportTable(title: "十三、近12周趋势", header: ["周", "新受理", "化解"],
                                  rows: s.trend.map { [$0.week.description, "\($0.accepted)", "\($0.resolved)"] }))
        return tables
    }

    /// `2026-W48（2026年11月23日—2026年11月29日）`.
    static func period(_ s: WeeklySummary) -> String {
        "\(s.week)（\(chinese(s.from))—\(chinese(s.to))）"
    }

    static func chinese(_ date: CalendarDate) -> String { "\(date.year)年\(date.month)月\(date.day)日" }

    /// A city's or unit's cells, in the order of the area tables' header.
    static func areaCells(_ row: WeeklySummary.AreaRow) -> [String] {
        [row.accepted, row.petitionRelated, row.resolved, row.movedIn, row.movedOut, row.openAtEnd].map(String.init)
    }
}
