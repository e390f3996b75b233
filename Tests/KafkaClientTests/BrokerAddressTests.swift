import KafkaClient
import Testing

@Suite struct BrokerAddressTests {
    @Test func parsesAPlainList() throws {
        let list = try BrokerAddress.parseList("127.0.0.1:9092, kafka-2.internal:19092")
        #expect(list == [BrokerAddress(host: "127.0.0.1", port: 9092), BrokerAddress(host: "kafka-2.internal", port: 19092)])
    }

    @Test func stripsHerokuStyleSchemes() throws {
        let list = try BrokerAddress.parseList("kafka+ssl://ec2-1.compute.amazonaws.com:9096,kafka+ssl://ec2-2.compute.amazonaws.com:9096")
        #expect(list.map(\.host) == ["ec2-1.compute.amazonaws.com", "ec2-2.compute.amazonaws.com"])
        #expect(list.allSatisfy { $0.port == 9096 })
        #expect(try BrokerAddress.parseList("kafka://localhost:9092/") == [BrokerAddress(host: "localhost", port: 9092)])
    }

    @Test func parsesBracketedIPv6() throws {
        let address = try BrokerAddress.parse("[::1]:9092")
        #expect(address == BrokerAddress(host: "::1", port: 9092))
        #expect(address.description == "[::1]:9092")
    }

    @Test func skipsEmptyEntries() throws {
        #expect(try BrokerAddress.parseList("a:1,,b:2,").count == 2)
    }

    @Test(arguments: ["", ",", "localhost", "localhost:", ":9092", "host:0", "host:70000", "host:port", "::1:9092", "[::1]9092"])
    func rejectsMalformedEntries(text: String) {
        let error = #expect(throws: KafkaClientError.self) { try BrokerAddress.parseList(text) }
        #expect(error?.kind == .invalidBootstrap(text))
    }
}
