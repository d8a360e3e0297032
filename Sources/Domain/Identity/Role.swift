/// What a user may do in huqi. A user can hold several roles.
public enum Role: String, Sendable, Hashable, CaseIterable, Codable {
    /// 承办检察官: works the queues of their own unit.
    case prosecutor
    /// 院领导 / 部门负责人: their unit and every unit below it.
    case leader
    /// A partner organisation's staff member who uploads batches.
    case uploader
    /// 项目办: reads summaries and aggregate numbers.
    case office
    /// Manages partners, users and keys.
    case admin

    /// The Chinese name shown to people.
    public var chineseName: String {
        switch self {
        case .prosecutor: "承办检察官"
        case .leader: "院领导"
        case .uploader: "合作单位上传员"
        case .office: "项目办"
        case .admin: "系统管理员"
        }
    }

    /// Whether the role belongs to a procuratorate unit (needs `--unit`).
    public var needsUnit: Bool { self == .prosecutor || self == .leader }
    /// Whether the role belongs to a partner (needs `--partner`).
    public var needsPartner: Bool { self == .uploader }
}
