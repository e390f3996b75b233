import Foundation

/// Times as progress lines show them.
public enum Timestamp {
    // DateFormatter is thread-safe (and Sendable) in Foundation.
    private static let formatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss.SSS"
        return formatter
    }()

    /// Wall-clock time of day, to the millisecond: `14:03:07.512`.
    public static func now() -> String { formatter.string(from: Date()) }

    /// `4.2 s`.
    public static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return String(format: "%.1f s", Double(seconds) + Double(attoseconds) / 1e18)
    }
}
