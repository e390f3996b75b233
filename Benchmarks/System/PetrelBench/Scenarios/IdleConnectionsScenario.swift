import Foundation
import KafkaProtocol
import RdKafkaLoad
import TestSupport

extension Bench {
    /// A fresh broker, then N connections that each complete an ApiVersions exchange and stay
    /// open and idle: the broker's RSS before, with them, and after they close; and whether a
    /// new client is still answered.
    func runIdleConnections() {
        let id = "idle-connections"
        guard plan.includes(id) else { return }
        let count = plan.idleConnections
        var samples = Measured.Samples()
        var errors: [String] = []
        do {
            raiseOpenFileLimit(to: count + 1_000)
            let cluster = try PetrelCluster(binary: petrelBinary, extraArguments: brokerArguments)
            defer { cluster.shutdown() }
            guard let sampler = cluster.sampler, let broker = cluster.broker else { throw LoadError("no broker pid") }
            try apiVersions(port: broker.port)
            Thread.sleep(forTimeInterval: 0.5)
            if let rss = sampler.residentBytes() { samples.add(.rssBaselineBytes, rss) }
            var sockets: [RawKafkaSocket] = []
            sockets.reserveCapacity(count)
            for _ in 0..<count {
                let socket = try RawKafkaSocket(port: broker.port)
                _ = try socket.roundTrip(ApiVersionsRequest(), version: 0)
                sockets.append(socket)
            }
            Thread.sleep(forTimeInterval: 1.0)
            if let rss = sampler.residentBytes() { samples.add(.rssBytes, rss) }
            let start = MonotonicClock.now()
            try apiVersions(port: broker.port)
            samples.add(.seconds, MonotonicClock.seconds(MonotonicClock.now() - start))
            sockets.removeAll()
            Thread.sleep(forTimeInterval: 1.0)
            if let rss = sampler.residentBytes() { samples.add(.rssAfterCloseBytes, rss) }
        } catch {
            errors.append("\(error)")
        }
        var measured = samples.measured
        measured.errors = errors
        record(ScenarioResult(
            id: id, title: "\(Format.count(Double(count))) idle connections (broker RSS)", kind: .footprint,
            settings: ["connections": "\(count)"], petrel: measured, mock: nil))
    }

    func apiVersions(port: Int) throws {
        let socket = try RawKafkaSocket(port: port)
        _ = try socket.roundTrip(ApiVersionsRequest(), version: 0)
    }

    /// Both this process and the broker it starts (which inherits the limit) need a descriptor
    /// per connection.
    private func raiseOpenFileLimit(to wanted: Int) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        let target = min(rlim_t(wanted), limit.rlim_max)
        if limit.rlim_cur < target {
            limit.rlim_cur = target
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        if Int(limit.rlim_cur) < wanted {
            log("open-file limit \(limit.rlim_cur) is below \(wanted): connections may fail")
        }
    }
}
