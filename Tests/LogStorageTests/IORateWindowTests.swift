import Testing
@testable import LogStorage

@Suite struct IORateWindowTests {
    @Test func bytesAheadOfTheRatePauseForTheDifference() {
        // 1 MB/s: a byte per microsecond.
        var window = IORateWindow(bytesPerSecond: 1_000_000, nowNs: 0)
        // 5 KB in the first millisecond is within the 10 ms slack.
        #expect(window.record(5_000, nowNs: 1_000_000) == 0)
        // 100 KB by 2 ms is 100 ms worth: pause 98 ms.
        #expect(window.record(95_000, nowNs: 2_000_000) == 98_000_000)
        // After the pause the rate is met: no further pause for a byte.
        #expect(window.record(1, nowNs: 100_000_000) == 0)
    }

    @Test func aNewWindowForgetsAnIdleSpell() {
        var window = IORateWindow(bytesPerSecond: 1_000_000, nowNs: 0)
        #expect(window.record(10, nowNs: 0) == 0)
        // Five idle seconds do not allow five seconds' worth of bytes at once.
        #expect(window.record(2_000_000, nowNs: 5_000_000_000) == 2_000_000_000)
        #expect(window.startNs == 5_000_000_000)
    }
}
