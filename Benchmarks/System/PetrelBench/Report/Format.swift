import Foundation

/// Number formatting for the report: decimal MB/s and GB/s for rates (as network and disk
/// figures are usually quoted), binary KiB/MiB/GiB for sizes.
enum Format {
    static func sizeLabel(_ bytes: Int, spaced: Bool = false) -> String {
        let sep = spaced ? " " : ""
        if bytes >= 1024, bytes % 1024 == 0 { return "\(bytes / 1024)\(sep)KiB" }
        return "\(bytes)\(sep)B"
    }

    static func rate(_ bytesPerSecond: Double) -> String {
        bytesPerSecond >= 1e9 ? fixed(bytesPerSecond / 1e9, 2) + " GB/s" : fixed(bytesPerSecond / 1e6, 0) + " MB/s"
    }

    static func bytes(_ value: Double) -> String {
        let kib = 1024.0
        if value >= kib * kib * kib { return trimmed(value / (kib * kib * kib)) + " GiB" }
        if value >= kib * kib { return trimmed(value / (kib * kib)) + " MiB" }
        if value >= kib { return trimmed(value / kib) + " KiB" }
        return "\(Int(value)) B"
    }

    /// 950, 12.3k, 402k, 1.05M
    static func count(_ value: Double) -> String {
        if value >= 1e6 { return fixed(value / 1e6, 2) + "M" }
        if value >= 1e5 { return fixed(value / 1e3, 0) + "k" }
        if value >= 1e3 { return fixed(value / 1e3, 1) + "k" }
        return fixed(value, 0)
    }

    static func micros(_ value: Double) -> String {
        value >= 1000 ? fixed(value / 1000, value >= 10_000 ? 0 : 1) + " ms" : fixed(value, 0) + " µs"
    }

    static func seconds(_ value: Double) -> String { fixed(value, value < 10 ? 2 : 1) + " s" }

    static func percent(_ fraction: Double) -> String { fixed(fraction * 100, 1) + " %" }

    static func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

    private static func trimmed(_ value: Double) -> String {
        value == value.rounded() ? fixed(value, 0) : fixed(value, 1)
    }

    /// "412 MB/s (398–420)": the median, then the range when there was more than one run.
    static func spread(_ summary: Summary, _ format: (Double) -> String, bare: (Double) -> String) -> String {
        summary.values.count > 1 ? "\(format(summary.median)) (\(bare(summary.min))–\(bare(summary.max)))" : format(summary.median)
    }

    static func rateSpread(_ s: Summary) -> String {
        let giga = s.median >= 1e9
        return spread(s, rate) { giga ? fixed($0 / 1e9, 2) : fixed($0 / 1e6, 0) }
    }
}
