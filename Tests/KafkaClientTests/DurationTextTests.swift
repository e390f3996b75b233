import KafkaClient
import Testing

@Suite struct DurationTextTests {
    @Test(arguments: [
        ("500ms", Int64(500)), ("30s", 30_000), ("15m", 900_000), ("36h", 129_600_000), ("10d", 864_000_000),
        ("2w", 1_209_600_000), (" 7d ", 604_800_000), ("1H", 3_600_000),
    ])
    func parsesEachUnit(text: String, expected: Int64) throws {
        #expect(try DurationText.milliseconds(text) == expected)
    }

    @Test func unknownUnitNamesTheUnitAndTheAllowedOnes() {
        let error = #expect(throws: KafkaClientError.self) { try DurationText.milliseconds("36x", what: "Retention time") }
        guard case .invalidArgument(let sentence)? = error?.kind else {
            Issue.record("expected invalidArgument, got \(String(describing: error))")
            return
        }
        #expect(sentence.hasPrefix("Retention time '36x' has an unknown unit 'x'"))
        #expect(sentence.contains("ms, s, m, h, d, w"))
    }

    @Test(arguments: ["36", "h", "", "-5h", "1.5h", "0h", "99999999999999999999d", "9999999999999999w"])
    func rejectsMalformedOrEmptyDurations(text: String) {
        #expect(throws: KafkaClientError.self) { try DurationText.milliseconds(text) }
    }

    @Test func missingUnitSaysSo() {
        let error = #expect(throws: KafkaClientError.self) { try DurationText.milliseconds("36") }
        #expect(error?.description.contains("has no unit") == true)
    }

    @Test(arguments: [
        (Int64(129_600_000), "36h"), (864_000_000, "10d"), (604_800_000, "7d"), (1_209_600_000, "14d"), (1_500, "1500ms"), (90_000, "90s"),
        (-1, "forever"), (0, "0ms"), (120_000, "2m"),
    ])
    func formatsWithTheLargestExactUnit(ms: Int64, expected: String) {
        #expect(DurationText.format(milliseconds: ms) == expected)
    }

    @Test func formatThenParseRoundTrips() throws {
        let samples: [Int64] = [1, 999, 1000, 61_000, 3_600_000, 86_400_000 * 3, 604_800_000 * 5]
        for ms in samples {
            let text = DurationText.format(milliseconds: ms)
            #expect(try DurationText.milliseconds(text) == ms)
        }
    }
}
