import Foundation

/// Finds petition terms in free text and classifies each mention by its own clause.
struct TextSignals {
    let rules: TriageRuleSet

    struct Mention: Equatable {
        enum Kind: Equatable {
            case affirmed, negated, hypothetical, place
            var chineseName: String {
                switch self {
                case .affirmed: "属已信访"
                case .negated: "为否定表述（未信访）"
                case .hypothetical: "为假设或打算（尚未信访）"
                case .place: "指地点而非信访行为"
                }
            }
        }
        let clause: String
        let kind: Kind
    }

    /// Every clause that mentions a petition term, with its kind, in text order.
    func mentions(in text: String) -> [Mention] {
        // Most texts name no petition term at all: a clause is part of the text, so none of its
        // clauses can; skip splitting it (which allocates a string per clause).
        guard rules.petitionTerms.contains(where: { text.literalRange(of: $0) != nil }) else { return [] }
        // Scalars, not Characters: grapheme breaking was the largest cost of triage on big batches.
        let breaks = Set(rules.clauseBreaks.unicodeScalars)
        let clauses = text.unicodeScalars.split(whereSeparator: { breaks.contains($0) }).map { String(String.UnicodeScalarView($0)) }
        var found: [Mention] = []
        for clause in clauses {
            guard let term = rules.petitionTerms.compactMap({ term in clause.literalRange(of: term).map { (term, $0) } })
                .min(by: { $0.1.lowerBound < $1.1.lowerBound }) else { continue }
            let before = String(clause[..<term.1.lowerBound])
            let after = String(clause[term.1.upperBound...])
            let kind: Mention.Kind
            if rules.placeAfter.contains(where: { after.hasPrefix($0) || after.hasPrefix("局" + $0) || after.hasPrefix("部门" + $0) })
                || rules.placeBefore.contains(where: { before.literalRange(of: $0) != nil }) {
                kind = .place
            } else if rules.negations.contains(where: { before.literalRange(of: $0) != nil }) {
                kind = .negated
            } else if rules.hypotheticals.contains(where: { before.literalRange(of: $0) != nil }),
                      !rules.affirmations.contains(where: { before.literalRange(of: $0) != nil }) {
                kind = .hypothetical
            } else {
                kind = .affirmed
            }
            found.append(Mention(clause: clause.trimmingCharacters(in: .whitespaces), kind: kind))
        }
        return found
    }
}
