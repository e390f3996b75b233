/// A version range from a schema: "0+", "3-5", "2", or "none".
struct Versions: Equatable, CustomStringConvertible {
    var lowest: Int
    var highest: Int  // Int16.max for open ranges

    static let none = Versions(lowest: 1, highest: 0)
    static let all = Versions(lowest: 0, highest: Int(Int16.max))

    var isEmpty: Bool { lowest > highest }

    init(lowest: Int, highest: Int) {
        self.lowest = lowest
        self.highest = highest
    }

    init(parsing text: String) throws {
        let s = text.trimmingCharacters(in: .whitespaces)
        if s == "none" || s.isEmpty {
            self = .none
        } else if s.hasSuffix("+"), let low = Int(s.dropLast()) {
            self.init(lowest: low, highest: Int(Int16.max))
        } else if let dash = s.firstIndex(of: "-"), let low = Int(s[..<dash]), let high = Int(s[s.index(after: dash)...]) {
            self.init(lowest: low, highest: high)
        } else if let v = Int(s) {
            self.init(lowest: v, highest: v)
        } else {
            throw GeneratorError("bad version range '\(text)'")
        }
    }

    func intersect(_ other: Versions) -> Versions {
        Versions(lowest: max(lowest, other.lowest), highest: min(highest, other.highest))
    }

    func contains(_ other: Versions) -> Bool {
        other.isEmpty || (lowest <= other.lowest && highest >= other.highest)
    }

    var description: String {
        if isEmpty { return "none" }
        if highest == Int(Int16.max) { return "\(lowest)+" }
        return lowest == highest ? "\(lowest)" : "\(lowest)-\(highest)"
    }

    /// The narrowest Swift condition that tests `version` is in `self`, knowing it is in `possible`
    /// (Kafka's VersionConditional). nil when always true; "false" when never.
    func condition(within possible: Versions, variable: String = "version") -> String? {
        let effective = intersect(possible)
        if effective.isEmpty { return "false" }
        let needLow = effective.lowest > possible.lowest
        let needHigh = effective.highest < possible.highest
        switch (needLow, needHigh) {
        case (false, false): return nil
        case (true, false): return "\(variable) >= \(effective.lowest)"
        case (false, true): return "\(variable) <= \(effective.highest)"
        case (true, true):
            return effective.lowest == effective.highest
                ? "\(variable) == \(effective.lowest)"
                : "\(variable) >= \(effective.lowest) && \(variable) <= \(effective.highest)"
        }
    }
}

struct GeneratorError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
