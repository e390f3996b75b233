import KafkaProtocol
import Testing

@testable import KafkaBroker

@Suite struct GroupFindCoordinatorHandlerTests {
    static let identity = BrokerIdentity(nodeId: 7, host: "127.0.0.1", port: 19092)

    @Test func singleKeyVersionsAnswerThisBroker() async throws {
        let fixture = try await GroupCoordinatorFixture.make(identity: Self.identity)
        let handler = fixture.findCoordinator()
        for version in Int16(0)...3 {
            for keyType in [Int8(0), 1] where version >= 1 || keyType == 0 {
                let response = handler.response(to: FindCoordinatorRequest(key: "g", keyType: keyType), version: version)
                #expect(response.errorCode == 0)
                #expect(response.nodeId == 7 && response.host == "127.0.0.1" && response.port == 19092)
            }
        }
    }

    @Test func versionZeroIgnoresKeyTypeAndUnknownTypesAreInvalid() async throws {
        let fixture = try await GroupCoordinatorFixture.make(identity: Self.identity)
        let handler = fixture.findCoordinator()
        // v0 has no key type on the wire: it is always a group.
        #expect(handler.response(to: FindCoordinatorRequest(key: "g", keyType: 9), version: 0).errorCode == 0)
        let bad = handler.response(to: FindCoordinatorRequest(key: "g", keyType: 9), version: 2)
        #expect(bad.errorCode == ErrorCode.invalidRequest.rawValue)
        #expect(bad.nodeId == -1 && bad.host == "" && bad.port == -1)
    }

    @Test func batchedKeysFromVersionFour() async throws {
        let fixture = try await GroupCoordinatorFixture.make(identity: Self.identity)
        let handler = fixture.findCoordinator()
        for version in Int16(4)...6 {
            let groups = handler.response(to: FindCoordinatorRequest(keyType: 0, coordinatorKeys: ["a", "b", ""]), version: version)
            #expect(groups.coordinators.map(\.key) == ["a", "b", ""])
            #expect(groups.coordinators.allSatisfy { $0.errorCode == 0 && $0.nodeId == 7 && $0.port == 19092 })
            let txn = handler.response(to: FindCoordinatorRequest(keyType: 1, coordinatorKeys: ["tx"]), version: version)
            #expect(txn.coordinators.first?.nodeId == 7)
            let share = handler.response(to: FindCoordinatorRequest(keyType: 2, coordinatorKeys: ["s"]), version: version)
            #expect(share.coordinators.first?.errorCode == ErrorCode.invalidRequest.rawValue)
        }
    }
}
