import KafkaClient
import KafkaProtocol
import NIOCore
import Testing

/// The connection against a scripted peer: correlation, version negotiation, failures.
@Suite struct KafkaConnectionTests {
    static func connect(_ broker: FakeBroker, timeout: TimeAmount = .seconds(10)) async throws -> KafkaConnection {
        try await KafkaConnection.connect(
            to: BrokerAddress(host: "127.0.0.1", port: broker.port),
            options: KafkaConnection.Options(clientId: "test", requestTimeout: timeout))
    }

    /// Answers Metadata with one topic named like the first requested one.
    static let echoTopic: FakeBroker.Script = { frame in
        guard frame.apiKey == .metadata else { return nil }
        var body = frame.body
        guard let request = try? MetadataRequest(from: &body, version: frame.header.requestApiVersion) else {
            return .close
        }
        let name = request.topics?.first?.name ?? "all"
        return .message(MetadataResponse(topics: [MetadataResponse.MetadataResponseTopic(name: name)]))
    }

    @Test func manyConcurrentRequestsEachGetTheirOwnResponse() async throws {
        let broker = try await FakeBroker(script: Self.echoTopic)
        let connection = try await Self.connect(broker)
        let names = try await withThrowingTaskGroup(of: (String, String?).self) { group in
            for i in 0..<64 {
                group.addTask {
                    let asked = "topic-\(i)"
                    let response = try await connection.send(
                        MetadataRequest(topics: [MetadataRequest.MetadataRequestTopic(name: asked)]))
                    return (asked, response.topics.first?.name)
                }
            }
            var pairs: [(String, String?)] = []
            for try await pair in group { pairs.append(pair) }
            return pairs
        }
        #expect(names.count == 64)
        for (asked, answered) in names { #expect(asked == answered) }
        // ApiVersions first, at v3, then the 64 requests with distinct correlation ids.
        let headers = broker.received
        #expect(headers.first?.requestApiKey == ApiKey.apiVersions.rawValue)
        #expect(headers.first?.requestApiVersion == 3)
        #expect(Set(headers.map(\.correlationId)).count == headers.count)
        #expect(headers.dropFirst().allSatisfy { $0.requestApiVersion == ApiVersionTable.clientRange(for: .metadata).upperBound })
        await connection.close()
        await broker.stop()
    }

    @Test func fallsBackToTheV0RangesInAnUnsupportedVersionAnswer() async throws {
        let broker = try await FakeBroker { frame in
            guard frame.apiKey == .apiVersions else { return nil }
            guard frame.header.requestApiVersion == 0 else {
                // Like Kafka: UNSUPPORTED_VERSION, v0 body, our ranges in it.
                return .message(
                    ApiVersionsResponse(errorCode: 35, apiKeys: [
                        .init(apiKey: ApiKey.apiVersions.rawValue, minVersion: 0, maxVersion: 2),
                        .init(apiKey: ApiKey.metadata.rawValue, minVersion: 0, maxVersion: 5),
                    ]), version: 0)
            }
            return nil
        }
        let connection = try await Self.connect(broker)
        #expect(connection.versions.version(for: .metadata) == 5)
        #expect(connection.versions.version(for: .produce) == nil)
        #expect(broker.received.count == 1)
        await connection.close()
        await broker.stop()
    }

    @Test func retriesApiVersionsAtV0WhenTheUnsupportedAnswerIsEmpty() async throws {
        let broker = try await FakeBroker { frame in
            guard frame.apiKey == .apiVersions else { return nil }
            if frame.header.requestApiVersion > 0 { return .message(ApiVersionsResponse(errorCode: 35), version: 0) }
            return .message(ApiVersionsResponse(apiKeys: [.init(apiKey: ApiKey.fetch.rawValue, minVersion: 0, maxVersion: 11)]))
        }
        let connection = try await Self.connect(broker)
        #expect(broker.received.map(\.requestApiVersion) == [3, 0])
        #expect(connection.versions.version(for: .fetch) == 11)
        await connection.close()
        await broker.stop()
    }

    @Test func aDroppedConnectionFailsEveryPendingRequest() async throws {
        let seen = RequestLog()
        let broker = try await FakeBroker { frame in
            guard frame.apiKey == .metadata else { return nil }
            seen.append(frame.header)
            // Hold the first two, close on the third: all three must fail.
            return seen.all.count < 3 ? .silence : .close
        }
        let connection = try await Self.connect(broker)
        let failures = await withTaskGroup(of: KafkaClientError?.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    do {
                        _ = try await connection.send(MetadataRequest(topics: []))
                        return nil
                    } catch {
                        return error as? KafkaClientError
                    }
                }
            }
            var out: [KafkaClientError?] = []
            for await f in group { out.append(f) }
            return out
        }
        #expect(failures.count == 3)
        for failure in failures { #expect(failure?.kind == .connectionClosed) }
        #expect(!connection.isActive)
        // After the drop, sends fail at once instead of hanging.
        await #expect(throws: KafkaClientError.self) { _ = try await connection.send(MetadataRequest(topics: [])) }
        await broker.stop()
    }

    @Test func aRequestWithoutAnswerTimesOutAndClosesTheConnection() async throws {
        let broker = try await FakeBroker { frame in frame.apiKey == .metadata ? .silence : nil }
        // The handshake gets the default timeout, so a busy machine cannot fail it; the request 200 ms.
        let connection = try await Self.connect(broker)
        let error = await #expect(throws: KafkaClientError.self) {
            _ = try await connection.send(MetadataRequest(topics: []), timeout: .milliseconds(200))
        }
        #expect(error?.kind == .timeout(milliseconds: 200))
        #expect(error?.api == .metadata)
        try await Task.sleep(for: .milliseconds(50))
        #expect(!connection.isActive)
        await broker.stop()
    }

    @Test func acksZeroProduceDoesNotWaitAndLaterResponsesStillMatch() async throws {
        let broker = try await FakeBroker { frame in
            if frame.apiKey == .produce { return .silence }
            return Self.echoTopic(frame)
        }
        let connection = try await Self.connect(broker, timeout: .seconds(2))
        let produced = try await connection.send(ProduceRequest(acks: 0, timeoutMs: 1000, topicData: []))
        #expect(produced.responses.isEmpty)
        let response = try await connection.send(
            MetadataRequest(topics: [MetadataRequest.MetadataRequestTopic(name: "after")]))
        #expect(response.topics.first?.name == "after")
        await connection.close()
        await broker.stop()
    }

    @Test func aResponseForTheWrongCorrelationIdBreaksTheConnection() async throws {
        let broker = try await FakeBroker { frame in
            guard frame.apiKey == .metadata else { return nil }
            var body = ByteBuffer()
            body.writeInteger(frame.header.correlationId &+ 1000)
            return .rawFrame(body)
        }
        let connection = try await Self.connect(broker)
        let error = await #expect(throws: KafkaClientError.self) {
            _ = try await connection.send(MetadataRequest(topics: []))
        }
        guard case .protocolViolation? = error?.kind else {
            Issue.record("expected protocolViolation, got \(String(describing: error))")
            return
        }
        await broker.stop()
    }

    @Test func refusingAConnectionSaysConnectionRefused() async throws {
        let port = try TestPorts.unused()
        let error = await #expect(throws: KafkaClientError.self) {
            _ = try await KafkaConnection.connect(to: BrokerAddress(host: "127.0.0.1", port: port))
        }
        #expect(error?.kind == .connectionFailed(reason: "connection refused"))
        #expect(error?.broker == "127.0.0.1:\(port)")
    }
}
