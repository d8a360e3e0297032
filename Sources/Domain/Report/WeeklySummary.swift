/// The numbers of one week's summary of the ten-measure programme (DESIGN.md §9), for the week
/// and cumulatively since the programme start. Computed from event history, so regenerating a
/// past week gives the same numbers. Every renderer (HTML, CSV, JSON, Markdown) reads only this.
public struct WeeklySummary: Sendable, Codable, Equatable {
    public var week: ISOWeek
    /// Monday and Sunday of the week (Asia/Shanghai days).
    public var from: CalendarDate
    public var to: CalendarDate
    public var programmeStart: CalendarDate
    /// 全省 for the programme office, or the leader's unit name.
    public var scope: String
    public var intake: [PartnerIntake]
    public var triage: Pair<TriageCounts>
    public var stages: [StageFlow]
    public var resolution: Pair<ResolutionCounts>
    public var timeliness: Timeliness
    public var clues: Pair<ClueCounts>
    public var leadCases: [LeadCount]
    public var typicalCases: [TypicalCase]
    public var cities: [AreaRow]
    public var units: [AreaRow]
    public var overdueLongest: [OverdueCase]
    public var mostRejectedBatches: [RejectedBatch]
    public var trend: [TrendPoint]

    /// Creates a summary from its sections.
    public init(week: ISOWeek, from: CalendarDate, to: CalendarDate, programmeStart: CalendarDate, scope: String,
                intake: [PartnerIntake], triage: Pair<TriageCounts>, stages: [StageFlow], resolution: Pair<ResolutionCounts>,
                timeliness: Timeliness, clues: Pair<ClueCounts>, leadCases: [LeadCount], typicalCases: [TypicalCase],
                cities: [AreaRow], units: [AreaRow], overdueLongest: [OverdueCase], mostRejectedBatches: [RejectedBatch],
                trend: [TrendPoint]) {
        self.week = week
        self.from = from
        self.to = to
        self.programmeStart = programmeStart
        self.scope = scope
        self.intake = intake
        self.triage = triage
        self.stages = stages
        self.resolution = resolution
        self.timeliness = timeliness
        self.clues = clues
        self.leadCases = leadCases
        self.typicalCases = typicalCases
        self.cities = cities
        self.units = units
        self.overdueLongest = overdueLongest
        self.mostRejectedBatches = mostRejectedBatches
        self.trend = trend
    }

    /// A figure for the week and since the programme start.
    public struct Pair<Counts: Sendable & Codable & Equatable>: Sendable, Codable, Equatable {
        public var week: Counts
        public var cumulative: Counts
        public init(week: Counts, cumulative: Counts) {
            self.week = week
            self.cumulative = cumulative
        }
    }

    /// Batches and rows from one partner.
    public struct PartnerIntake: Sendable, Codable, Equatable {
        public init(partner: String, partnerName: String, week: IntakeCounts, cumulative: IntakeCounts) {
            self.partner = partner
            self.partnerName = partnerName
            self.week = week
            self.cumulative = cumulative
        }
        public var partner: String
        public var partnerName: String
        public var week: IntakeCounts
        public var cumulative: IntakeCounts
    }

    public struct IntakeCounts: Sendable, Codable, Equatable {
        public var batches = 0, rows = 0, accepted = 0, updated = 0, duplicate = 0, rejected = 0
        public init() {}
    }

    public struct TriageCounts: Sendable, Codable, Equatable {
        /// New cases, by their triage decision as of the period's end.
        public var petitionRelated = 0, other = 0
        /// Manual corrections of the triage decision made in the period.
        public var overrides = 0
        public init() {}
    }

    /// Cases entering and leaving one stage in the week, moved in that stage to or from a unit of
    /// the summary's scope (移送, or a corrected region), and the stock at week end:
    /// stock at end = stock before + entered − left + movedIn − movedOut.
    public struct StageFlow: Sendable, Codable, Equatable {
        public init(stage: Stage, name: String) {
            self.stage = stage
            self.name = name
        }
        public var stage: Stage
        public var name: String
        public var entered = 0, left = 0, stockAtEnd = 0
        /// Moves between units in the week (a move within the scope counts once in each).
        public var movedIn = 0, movedOut = 0

        private enum CodingKeys: String, CodingKey { case stage, name, entered, left, stockAtEnd, movedIn, movedOut }

        /// Reads snapshots issued before moves were counted (no `moved_in` / `moved_out`) as zero.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            (stage, name) = (try c.decode(Stage.self, forKey: .stage), try c.decode(String.self, forKey: .name))
            (entered, left, stockAtEnd) = (try c.decode(Int.self, forKey: .entered), try c.decode(Int.self, forKey: .left),
                                           try c.decode(Int.self, forKey: .stockAtEnd))
            movedIn = try c.decodeIfPresent(Int.self, forKey: .movedIn) ?? 0
            movedOut = try c.decodeIfPresent(Int.self, forKey: .movedOut) ?? 0
        }
    }

    public struct ResolutionCounts: Sendable, Codable, Equatable {
        public var resolved = 0, unresolved = 0
        /// Resolved matters by 化解方式.
        public var byKind: [String: Int] = [:]
        /// Petition-related matters taken into handling (triage → evaluation) in the period.
        public var takenIntoHandling = 0
        /// resolved ÷ takenIntoHandling.
        public var rate: Ratio = Ratio(numerator: 0, denominator: 0, definition: Ratio.resolutionDefinition)
        public init() {}
    }

    /// Reply deadlines answered in the period, on time ÷ all answered; open ones at week end.
    public struct Timeliness: Sendable, Codable, Equatable {
        public init(procedural: Pair<Ratio>, result: Pair<Ratio>, overdueAtEnd: Int, nearDueNextWeek: Int) {
            self.procedural = procedural
            self.result = result
            self.overdueAtEnd = overdueAtEnd
            self.nearDueNextWeek = nearDueNextWeek
        }
        public var procedural: Pair<Ratio>
        public var result: Pair<Ratio>
        /// Open deadlines past due at week end.
        public var overdueAtEnd: Int
        /// Open deadlines due in the 7 days after the week.
        public var nearDueNextWeek: Int
    }

    public struct ClueCounts: Sendable, Codable, Equatable {
        public var created = 0, transferred = 0, withResult = 0
        public init() {}
    }

    /// 包案 cases by the leader's level (省院 / 市院 / 县院).
    public struct LeadCount: Sendable, Codable, Equatable {
        public init(level: String, levelName: String, cases: Int) {
            self.level = level
            self.levelName = levelName
            self.cases = cases
        }
        public var level: String
        public var levelName: String
        public var cases: Int
    }

    public struct TypicalCase: Sendable, Codable, Equatable {
        public init(caseID: Int64, title: String, summary: String) {
            self.caseID = caseID
            self.title = title
            self.summary = summary
        }
        public var caseID: Int64
        public var title: String
        public var summary: String
    }

    /// One city or unit: new cases in the week, of which petition-related, resolved in the week,
    /// open at week end.
    public struct AreaRow: Sendable, Codable, Equatable {
        public init(code: String, name: String) {
            self.code = code
            self.name = name
        }
        public var code: String
        public var name: String
        public var accepted = 0, petitionRelated = 0, resolved = 0, openAtEnd = 0
        /// Open cases moved in and out in the week (移送, corrected regions); a city counts the
        /// moves of its units, so a move between two of them counts once each.
        public var movedIn = 0, movedOut = 0

        private enum CodingKeys: String, CodingKey { case code, name, accepted, petitionRelated, resolved, openAtEnd, movedIn, movedOut }

        /// Reads snapshots issued before moves were counted (no `moved_in` / `moved_out`) as zero.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            (code, name) = (try c.decode(String.self, forKey: .code), try c.decode(String.self, forKey: .name))
            (accepted, petitionRelated) = (try c.decode(Int.self, forKey: .accepted), try c.decode(Int.self, forKey: .petitionRelated))
            (resolved, openAtEnd) = (try c.decode(Int.self, forKey: .resolved), try c.decode(Int.self, forKey: .openAtEnd))
            movedIn = try c.decodeIfPresent(Int.self, forKey: .movedIn) ?? 0
            movedOut = try c.decodeIfPresent(Int.self, forKey: .movedOut) ?? 0
        }
    }

    public struct OverdueCase: Sendable, Codable, Equatable {
        public init(caseID: Int64, externalRef: String, enterpriseName: String, unitName: String, deadline: String, dueOn: CalendarDate, daysOverdue: Int) {
            self.caseID = caseID
            self.externalRef = externalRef
            self.enterpriseName = enterpriseName
            self.unitName = unitName
            self.deadline = deadline
            self.dueOn = dueOn
            self.daysOverdue = daysOverdue
        }
        public var caseID: Int64
        public var externalRef: String
        public var enterpriseName: String
        public var unitName: String
        public var deadline: String
        public var dueOn: CalendarDate
        public var daysOverdue: Int
    }

    public struct RejectedBatch: Sendable, Codable, Equatable {
        public init(batchID: Int64, partner: String, batchNumber: Int?, rejected: Int, total: Int) {
            self.batchID = batchID
            self.partner = partner
            self.batchNumber = batchNumber
            self.rejected = rejected
            self.total = total
        }
        public var batchID: Int64
        public var partner: String
        public var batchNumber: Int?
        public var rejected: Int
        public var total: Int
    }

    public struct TrendPoint: Sendable, Codable, Equatable {
        public init(week: ISOWeek, accepted: Int, resolved: Int) {
            self.week = week
            self.accepted = accepted
            self.resolved = resolved
        }
        public var week: ISOWeek
        public var accepted: Int
        public var resolved: Int
    }
}

/// A rate always shown with its numerator, denominator and one-line definition.
public struct Ratio: Sendable, Codable, Equatable {
    public var numerator: Int
    public var denominator: Int
    public var definition: String

    public init(numerator: Int, denominator: Int, definition: String) {
        self.numerator = numerator
        self.denominator = denominator
        self.definition = definition
    }

    /// The percentage with one decimal (`87.5%`), or `—` when nothing was counted.
    public var percentText: String {
        guard denominator > 0 else { return "—" }
        let tenths = (numerator * 1000 + denominator / 2) / denominator
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// 化解率's definition, printed next to it everywhere.
    public static let resolutionDefinition = "化解率 = 已化解件数 ÷ 同期进入评估的涉信访事项件数"
    /// The reply timeliness definitions.
    public static let proceduralDefinition = "7日程序性答复按期率 = 按期答复数 ÷ 同期完成答复数"
    public static let resultDefinition = "3个月结果答复按期率 = 按期答复数 ÷ 同期完成答复数"
}
