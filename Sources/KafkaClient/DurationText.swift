/// Human durations for configs such as retention.ms: an integer and a unit, `500ms`, `30s`,
/// `15m`, `36h`, `10d`, `2w`.
public enum DurationText {
    public static let units: [(suffix: String, milliseconds: Int64)] = [
        ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000), ("w", 604_800_000),
    ]

    /// Milliseconds for `text`; the error's sentence says what was wrong and how to write it.
    public static func milliseconds(_ text: String, what: String = "Duration") throws(KafkaClientError) -> Int64 {
        let trimmed = text.trimmingSpaces()
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        let unit = trimmed.dropFirst(digits.count).lowercased()
        let example = "write it like 36h or 10d (units: ms, s, m, h, d, w)"
        guard !digits.isEmpty else {
            throw invalid("\(what) '\(text)' does not start with a whole number; \(example).")
        }
        guard !unit.isEmpty else {
            throw invalid("\(what) '\(text)' has no unit; \(example).")
        }
        guard let scale = units.first(where: { $0.suffix == unit })?.milliseconds else {
            throw invalid("\(what) '\(text)' has an unknown unit '\(unit)'; \(example).")
        }
        guard let count = Int64(digits) else {
            throw invalid("\(what) '\(text)' is too large; \(example).")
        }
        let (product, overflow) = count.multipliedReportingOverflow(by: scale)
        guard !overflow else { throw invalid("\(what) '\(text)' is too large; \(example).") }
        guard product > 0 else { throw invalid("\(what) '\(text)' must be longer than zero; \(example).") }
        return product
    }

    /// The largest unit up to days that divides `milliseconds` exactly: 129600000 -> "36h",
    /// 604800000 -> "7d" (how people say it), -1 -> "forever".
    public static func format(milliseconds: Int64) -> String {
        if milliseconds < 0 { return "forever" }
        if milliseconds == 0 { return "0ms" }
        for (suffix, scale) in units.reversed() where suffix != "w" && milliseconds % scale == 0 {
            return "\(milliseconds / scale)\(suffix)"
        }
        return "\(milliseconds)ms"
    }

    private static func invalid(_ sentence: String) -> KafkaClientError {
        KafkaClientError(.invalidArgument(sentence))
    }
}

extension String {
    func trimmingSpaces() -> String {
        String(Substring(self).trimmingWhitespace())
    }
}
