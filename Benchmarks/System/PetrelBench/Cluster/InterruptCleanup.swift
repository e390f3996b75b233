import Foundation

/// While it is active, SIGINT, SIGTERM and SIGHUP run `cleanup` and end the process (exit
/// status 130): the cluster's brokers and ZooKeeper run detached, so a Ctrl-C of the benchmark
/// would otherwise leave them running.
final class InterruptCleanup {
    private static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]
    private var sources: [any DispatchSourceSignal] = []

    init(_ cleanup: @escaping @Sendable () -> Void) {
        for number in Self.signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                log("interrupted (signal \(number)): stopping the cluster")
                cleanup()
                exit(130)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Back to the default dispositions.
    func cancel() {
        for source in sources { source.cancel() }
        sources = []
        for number in Self.signals { signal(number, SIG_DFL) }
    }
}
