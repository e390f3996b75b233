import Foundation
import Testing
@testable import petrel_bench

@Suite struct SummaryTests {
    @Test func medianOfOddAndEvenCounts() throws {
        let odd = try #require(Summary([3, 1, 2]))
        #expect(odd.median == 2 && odd.min == 1 && odd.max == 3)
        let even = try #require(Summary([4, 1, 3, 2]))
        #expect(even.median == 2.5)
        #expect(even.values == [4, 1, 3, 2])
        #expect(Summary([]) == nil)
    }

    @Test func percentilesAreNearestRank() throws {
        let ten = try #require(Summary([5, 1, 4, 2, 3, 10, 9, 8, 7, 6]))
        #expect(ten.percentile(0.5) == 5)
        #expect(ten.percentile(0.9) == 9)
        #expect(ten.percentile(0.99) == 10)
        #expect(ten.percentile(0) == 1)
        let two = try #require(Summary([4.2, 5.1]))
        #expect(two.percentile(0.99) == 5.1)
        #expect(two.percentile(0.5) == 4.2)
    }

    @Test func samplesSummarizePerMetric() {
        var samples = Measured.Samples()
        samples.add(.bytesPerSecond, 10)
        samples.add(.bytesPerSecond, 30)
        samples.add(.messagesPerSecond, 5)
        samples.note("caveat")
        samples.note("caveat")
        let m = samples.measured
        #expect(m[.bytesPerSecond]?.median == 20)
        #expect(m[.messagesPerSecond]?.median == 5)
        #expect(m.notes == ["caveat"])
    }

    @Test func processSamplerReadsThisProcess() throws {
        let sampler = ProcessSampler(pid: getpid())
        var x: UInt64 = 1
        for i in 0..<5_000_000 { x = x &* 31 &+ UInt64(i) }
        #expect(x != 0)
        #expect(try #require(sampler.cpuSeconds()) > 0)
        #expect(try #require(sampler.residentBytes()) > 1_000_000)
        #expect(ProcessSampler(pid: Int32.max).cpuSeconds() == nil)
    }

    @Test func processSamplerSumsSeveralProcesses() throws {
        let one = try #require(ProcessSampler(pid: getpid()).residentBytes())
        let twice = try #require(ProcessSampler(pids: [getpid(), getpid()]).residentBytes())
        // RSS moves a little between the reads; twice the process is about twice one read.
        #expect(abs(twice - 2 * one) < one * 0.2)
        #expect(ProcessSampler(pids: [getpid(), Int32.max]).residentBytes() == nil)
    }
}
