import NIOCore
import NIOPosix

/// Runs admin changes (creating and deleting partition files, fsyncing metadata) on one
/// background thread in arrival order, so an event loop never blocks on them and a client
/// creating thousands of partitions does not stall the other clients of its loop.
public final class AdminExecutor: Sendable {
    private let pool: NIOThreadPool

    public init() {
        pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
    }

    /// Runs `work` off the event loop; the future completes on `eventLoop`.
    func run<Result: Sendable>(on eventLoop: any EventLoop, _ work: @escaping @Sendable () -> Result) -> EventLoopFuture<Result> {
        pool.runIfActive(eventLoop: eventLoop, work)
    }

    /// Runs `work` off the event loops and the concurrency pool, for async callers.
    func run<Result: Sendable>(_ work: @escaping @Sendable () -> Result) async throws -> Result {
        try await pool.runIfActive(work)
    }

    /// Finishes queued work and stops the thread.
    func close() {
        try? pool.syncShutdownGracefully()
    }
}
