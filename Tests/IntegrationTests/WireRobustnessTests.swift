import Foundation
import KafkaProtocol
import NIOCore
import Testing
import TestSupport

/// Framing and dispatch against a live broker: bad frames close only their own connection.
@Suite(.serialized) struct WireRobustnessTests {
    @Test func oversizedFrameClosesOnlyThatConnection() throws {
        let broker = try BrokerProcess(extraArguments: ["--set", "socket.request.max.bytes=1048576"])
        try broker.start()
        defer { broker.stop() }
        let good = try RawKafkaSocket(port: broker.port)
        let bad = try RawKafkaSocket(port: broker.port)
        bad.sendRaw([0x10, 0x00, 0x00, 0x00])  // 256 MiB frame
        #expect(bad.peerClosed())
        let (_, response) = try good.roundTrip(MetadataRequest(topics: nil), version: 12)
        #expect(response.brokers.count == 1)
        #expect(broker.logTail().contains("socket.request.max.bytes"))
    }

    @Test func tooNewApiVersionsGetsV0UnsupportedVersionWithRanges() throws {
        let broker = try BrokerProcess()
        try broker.start()
        defer { broker.stop() }
        let socket = try RawKafkaSocket(port: broker.port)
        // v99 with a v2 header; the broker answers in v0 format.
        var writer = MessageWriter()
        let sizeAt = writer.beginRequestFrame(
            RequestHeader(requestApiKey: 18, requestApiVersion: 99, correlationId: 77, clientId: "x"), headerVersion: 2)
        writer.buffer.writeBytes([0, 0, 0])  // whatever a v99 body is
        writer.finishFrame(sizeAt: sizeAt)
        socket.sendRaw(Array(writer.buffer.readableBytesView))
        var body = try #require(socket.receiveFrame())
        let header = try ResponseHeader(from: &body, version: 0)
        let response = try ApiVersionsResponse(from: &body, version: 0)
        #expect(header.correlationId == 77)
        #expect(response.errorCode == ErrorCode.unsupportedVersion.rawValue)
        #expect(response.apiKeys.contains { $0.apiKey == 18 && $0.minVersion == 0 && $0.maxVersion >= 3 })
        #expect(response.apiKeys.contains { $0.apiKey == 0 && $0.minVersion == 0 })
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let broker = try BrokerProcess()
        try broker.start()
        defer { broker.stop() }
        let socket = try RawKafkaSocket(port: broker.port)
        var bytes: [UInt8] = []
        for id in 1...50 {
            let request = id % 2 == 0 ? socket.frame(MetadataRequest(topics: nil), version: 9, correlationId: Int32(id))
                : socket.frame(ApiVersionsRequest(), version: 3, correlationId: Int32(id))
            bytes += request
        }
        socket.sendRaw(bytes)
        for id in 1...50 {
            var body = try #require(socket.receiveFrame())
            let header = try ResponseHeader(from: &body, version: id % 2 == 0 ? 0 : 0)
            #expect(header.correlationId == Int32(id))
        }
    }

    @Test func undecodableBodyClosesConnectionWithLogLine() throws {
        let broker = try BrokerProcess()
        try broker.start()
        defer { broker.stop() }
        let socket = try RawKafkaSocket(port: broker.port)
        // A Metadata v1 header followed by a topic count that exceeds the frame.
        var writer = MessageWriter()
        let sizeAt = writer.beginRequestFrame(RequestHeader(requestApiKey: 3, requestApiVersion: 1, correlationId: 5, clientId: "fuzzy"), headerVersion: 1)
        writer.buffer.writeInteger(Int32(1_000_000))
        writer.finishFrame(sizeAt: sizeAt)
        socket.sendRaw(Array(writer.buffer.readableBytesView))
        #expect(socket.peerClosed())
        #expect(broker.logTail().contains("undecodable Metadata"))
    }
}
