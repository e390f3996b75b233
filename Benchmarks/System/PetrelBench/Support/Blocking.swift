import Foundation
import KafkaClient
import RdKafkaLoad

/// The benchmark is synchronous (librdkafka's producers are driven from the calling thread);
/// LocalCluster and KafkaClient are async. A `BlockingTask` starts async work on the global
/// executor and lets the calling thread wait for it, so a producer loop can run on this thread
/// while a Metadata watch runs beside it. The caller's thread is never one of the executor's.
final class BlockingTask<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private let finished = DispatchSemaphore(value: 0)
    private var result: Result<Value, any Error>?

    init(_ body: @escaping @Sendable () async throws -> Value) {
        Task {
            let outcome: Result<Value, any Error>
            do { outcome = .success(try await body()) } catch { outcome = .failure(error) }
            lock.withLock { result = outcome }
            finished.signal()
        }
    }

    /// Blocks until the work is done; its value or its error.
    func value() throws -> Value {
        finished.wait()
        finished.signal()  // a second call returns at once
        guard let result = lock.withLock({ result }) else { throw LoadError("async work ended without a result") }
        return try result.get()
    }
}

/// Runs async work to completion from synchronous code.
func blocking<Value: Sendable>(_ body: @escaping @Sendable () async throws -> Value) throws -> Value {
    try BlockingTask(body).value()
}

/// Runs `body` with our KafkaClient on `bootstrap` (blocking the calling thread), shutting the
/// client down after.
func withKafkaClient<T: Sendable>(
    bootstrap: [BrokerAddress], clientId: String, _ body: @escaping @Sendable (KafkaClient) async throws -> T
) throws -> T {
    var configuration = KafkaClient.Configuration(bootstrap: bootstrap, clientId: clientId)
    configuration.connection.connectTimeout = .seconds(2)
    configuration.connection.requestTimeout = .seconds(30)
    configuration.maxAttempts = 8
    configuration.retryBackoff = .milliseconds(200)
    return try blocking { [configuration] in
        let client = KafkaClient(configuration: configuration, logger: quietLogger("petrel-bench.\(clientId)"))
        do {
            let value = try await body(client)
            await client.shutdown()
            return value
        } catch {
            await client.shutdown()
            throw error
        }
    }
}
