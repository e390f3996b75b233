import KafkaProtocol
import Logging
import NIOCore
import NIOPosix
import Testing

@testable import KafkaBroker

@Suite("InitProducerId handler")
struct InitProducerIdHandlerTests {
    let dir = ProducerIdTestDirectory()
    let broker: BrokerFixture

    init() async throws {
        broker = try await BrokerFixture.make()
        // Transactional ids need the shards of __transaction_state, loaded once this broker leads them.
        try await broker.waitForCoordinators()
    }

    func handler(producerIds: ProducerIdManager? = nil) throws -> InitProducerIdHandler {
        InitProducerIdHandler(
            producerIds: try producerIds ?? ProducerIdManager(dataDir: dir.path), transactions: broker.services.transactionCoordinator)
    }

    func send(_ request: InitProducerIdRequest, version: Int16, to handler: InitProducerIdHandler) async throws -> InitProducerIdResponse {
        let context = RequestContext(
            header: RequestHeader(requestApiKey: ApiKey.initProducerId.rawValue, requestApiVersion: version, correlationId: 7, clientId: "test"),
            apiKey: .initProducerId, eventLoop: MultiThreadedEventLoopGroup.singleton.next(), allocator: ByteBufferAllocator(),
            clientAddress: "127.0.0.1:1", zeroCopy: false, logger: Logger(label: "init-producer-id-tests", factory: { _ in SwiftLogNoOpLogHandler() }))
        // Through the wire format of that version, as a client would send it.
        var writer = MessageWriter(buffer: ByteBuffer())
        request.encode(to: &writer, version: version)
        var body = writer.buffer
        let decoded = try InitProducerIdRequest(from: &body, version: version)
        return await handler.handle(decoded, context: context)
    }

    @Test("an idempotent producer gets a new id and epoch 0 at every version", arguments: Array(Int16(0)...5))
    func idempotent(version: Int16) async throws {
        let handler = try handler()
        let request = InitProducerIdRequest(transactionalId: nil, transactionTimeoutMs: -1, producerId: -1, producerEpoch: -1)
        let first = try await send(request, version: version, to: handler)
        let second = try await send(request, version: version, to: handler)
        #expect(first.errorCode == 0)
        #expect(first.producerId >= 0)
        #expect(first.producerEpoch == 0)
        #expect(second.producerId != first.producerId)
    }

    @Test("v3+ with the current id and epoch (KIP-360 reset) gets a fresh id, as from Kafka")
    func resetWithCurrentId() async throws {
        let handler = try handler()
        let first = try await send(InitProducerIdRequest(transactionalId: nil, transactionTimeoutMs: -1), version: 4, to: handler)
        let again = try await send(
            InitProducerIdRequest(transactionalId: nil, transactionTimeoutMs: -1, producerId: first.producerId, producerEpoch: 3),
            version: 4, to: handler)
        #expect(again.errorCode == 0)
        #expect(again.producerId != first.producerId)
        #expect(again.producerEpoch == 0)
    }

    @Test("a producer id without an epoch, or the reverse, is INVALID_REQUEST")
    func halfIdentity() async throws {
        let handler = try handler()
        for (id, epoch) in [(Int64(5), Int16(-1)), (Int64(-1), Int16(2))] {
            let response = try await send(
                InitProducerIdRequest(transactionalId: nil, transactionTimeoutMs: -1, producerId: id, producerEpoch: epoch),
                version: 3, to: handler)
            #expect(response.errorCode == ErrorCode.invalidRequest.rawValue)
            #expect(response.producerId == -1)
            #expect(response.producerEpoch == -1)
        }
    }

    @Test("transactional ids: empty is INVALID_REQUEST, bad timeouts INVALID_TRANSACTION_TIMEOUT")
    func transactionalValidation() async throws {
        let handler = try handler()
        func code(_ id: String, timeout: Int32) async throws -> Int16 {
            let response = try await send(InitProducerIdRequest(transactionalId: id, transactionTimeoutMs: timeout), version: 4, to: handler)
            #expect(response.producerId == -1)
            return response.errorCode
        }
        #expect(try await code("", timeout: 60_000) == ErrorCode.invalidRequest.rawValue)
        #expect(try await code("tx", timeout: 0) == ErrorCode.invalidTransactionTimeout.rawValue)
        #expect(try await code("tx", timeout: 900_001) == ErrorCode.invalidTransactionTimeout.rawValue)
    }

    @Test("a transactional id keeps its producer id; every init bumps the epoch; a stale producer is fenced")
    func transactionalEpochs() async throws {
        let handler = try handler()
        let first = try await send(InitProducerIdRequest(transactionalId: "tx", transactionTimeoutMs: 60_000), version: 4, to: handler)
        #expect(first.errorCode == 0 && first.producerId >= 0 && first.producerEpoch == 0)
        let second = try await send(InitProducerIdRequest(transactionalId: "tx", transactionTimeoutMs: 60_000), version: 4, to: handler)
        #expect(second.errorCode == 0 && second.producerId == first.producerId && second.producerEpoch == 1)
        // A v3+ client re-initializing with an older epoch than the current one is a zombie.
        let zombie = try await send(
            InitProducerIdRequest(transactionalId: "tx", transactionTimeoutMs: 60_000, producerId: first.producerId, producerEpoch: 0),
            version: 4, to: handler)
        #expect(zombie.errorCode == ErrorCode.producerFenced.rawValue)
        let old = try await send(
            InitProducerIdRequest(transactionalId: "tx", transactionTimeoutMs: 60_000, producerId: first.producerId, producerEpoch: 0),
            version: 3, to: handler)
        #expect(old.errorCode == ErrorCode.invalidProducerEpoch.rawValue)
    }

    @Test("a failure to reserve ids is reported as KAFKA_STORAGE_ERROR")
    func storageFailure() async throws {
        let handler = try handler(producerIds: try ProducerIdManager(dataDir: dir.path + "/absent"))
        let response = try await send(InitProducerIdRequest(transactionalId: nil, transactionTimeoutMs: -1), version: 2, to: handler)
        #expect(response.errorCode == ErrorCode.kafkaStorageError.rawValue)
        #expect(response.producerId == -1)
    }
}

