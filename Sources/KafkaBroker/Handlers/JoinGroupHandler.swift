import KafkaProtocol
import NIOCore

/// JoinGroup v0-v9. The join is parked until the group's join phase completes (or answered at
/// once: MEMBER_ID_REQUIRED for a v4+ member without an id, errors, a follower rejoining a
/// stable group). v0 has no rebalance timeout; Kafka uses the session timeout for it.
struct JoinGroupHandler: ApiHandler {
    typealias Request = JoinGroupRequest
    let versions: ClosedRange<Int16> = 0...9
    let groups: GroupCoordinator

    func handle(_ request: JoinGroupRequest, context: RequestContext) -> HandlerResult<JoinGroupResponse> {
        var request = request
        if context.apiVersion == 0 { request.rebalanceTimeoutMs = request.sessionTimeoutMs }
        let join = ClassicJoinContext(
            clientId: context.clientId, clientHost: ClientHost.from(address: context.clientAddress),
            apiVersion: context.apiVersion, newMemberSuffix: KafkaUUID.random().dashedString)
        let version = context.apiVersion
        return .later(groups.joinGroup(request, context: join, eventLoop: context.eventLoop).map { response in
            var response = response
            // Before v7 the protocol name is not nullable.
            if version < 7 && response.protocolName == nil { response.protocolName = "" }
            return response
        })
    }
}

/// Kafka's client host: the peer's address as Java prints an InetAddress ("/127.0.0.1").
enum ClientHost {
    static func from(address: String) -> String {
        // NIO prints "[IPv4]host/127.0.0.1:54321"; keep the address between '/' and the port.
        guard let slash = address.firstIndex(of: "/") else { return address }
        let rest = address[address.index(after: slash)...]
        guard let colon = rest.lastIndex(of: ":") else { return "/" + rest }
        return "/" + rest[..<colon]
    }
}

extension KafkaUUID {
    /// The 8-4-4-4-12 hex form Java's UUID.toString gives, used in member ids.
    var dashedString: String {
        func hex(_ value: UInt64, _ digits: Int) -> String {
            let text = String(value, radix: 16)
            return String(repeating: "0", count: max(0, digits - text.count)) + text
        }
        return "\(hex(high >> 32, 8))-\(hex((high >> 16) & 0xFFFF, 4))-\(hex(high & 0xFFFF, 4))-\(hex(low >> 48, 4))-\(hex(low & 0xFFFF_FFFF_FFFF, 12))"
    }
}
