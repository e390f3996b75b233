import Foundation
import LogStorage
import Testing
import TestSupport

@testable import Cluster

/// Three (or more) cluster nodes, the "brokers" of a test, on one backend: ZooKeeper (each node
/// through its own TCPProxy, so the test can cut one off) or the embedded backend.
final class NodeCluster: @unchecked Sendable {
    let backend: Backend
    let nodes: [ClusterNode]
    let proxies: [Int32: TCPProxy]
    let embedded: EmbeddedMetadataBackend?
    let directory = LocalControllerDirectory()
    let admin: any MetadataStore

    private init(backend: Backend, nodes: [ClusterNode], proxies: [Int32: TCPProxy], embedded: EmbeddedMetadataBackend?, admin: any MetadataStore) {
        self.backend = backend
        self.nodes = nodes
        self.proxies = proxies
        self.embedded = embedded
        self.admin = admin
    }

    static func start(
        _ backend: Backend, server: ZooKeeperProcess?, brokers: [Int32] = [1, 2, 3], racks: [String?]? = nil,
        sessionTimeout: Duration = .seconds(4), config: (Int32) -> ControllerConfig = { ControllerConfig(brokerID: $0) }
    ) async throws -> NodeCluster {
        let directory = LocalControllerDirectory()
        var nodes: [ClusterNode] = []
        var proxies: [Int32: TCPProxy] = [:]
        let embedded: EmbeddedMetadataBackend?
        let admin: any MetadataStore
        let chroot = "/nodes-" + UUID().uuidString.prefix(8).lowercased()
        switch backend {
        case .zooKeeper:
            let server = try #require(server)
            embedded = nil
            admin = try await ZooKeeperMetadataStore.connect(.init(connectString: server.address + chroot))
        case .embedded:
            embedded = try EmbeddedMetadataBackend(directory: nil)
            admin = try #require(embedded).openSession()
        }
        for (index, id) in brokers.enumerated() {
            let connect: ClusterNode.Connect
            if let embedded {
                connect = { () async throws(ClusterError) -> any MetadataStore in embedded.openSession() }
            } else {
                let proxy = try await TCPProxy.start(port: try #require(server).clientPort)
                proxies[id] = proxy
                let connectString = proxy.address + chroot
                connect = { () async throws(ClusterError) -> any MetadataStore in
                    try await ZooKeeperMetadataStore.connect(.init(connectString: connectString, sessionTimeout: sessionTimeout))
                }
            }
            let registration = BrokerRegistration(
                id: id, rack: racks?[index], endpoints: [BrokerEndpoint(host: "127.0.0.1", port: 9090 + Int(id))])
            nodes.append(ClusterNode(registration: registration, controller: config(id), connect: connect, directory: directory))
        }
        let cluster = NodeCluster(backend: backend, nodes: nodes, proxies: proxies, embedded: embedded, admin: admin)
        for node in nodes { try await node.start() }
        return cluster
    }

    func node(_ id: Int32) -> ClusterNode? { nodes.first { $0.brokerID == id } }

    /// The image as `node` sees it now.
    func image(_ id: Int32) async -> MetadataImage { await node(id)?.follower?.image ?? MetadataImage() }

    /// The broker whose runner is the active controller, if any.
    func activeController() async -> Int32? {
        for node in nodes {
            if let runner = await node.controller, await runner.isActive { return node.brokerID }
        }
        return nil
    }

    /// Creates a topic as a broker handling CreateTopics would: assignment from the live brokers.
    func createTopic(_ name: String, partitions: Int, replicationFactor: Int) async throws -> TopicAssignment {
        let brokers = try await admin.liveBrokers(watch: nil).map { ReplicaAssignor.Broker(id: $0.id, rack: $0.rack) }
        let replicas = try ReplicaAssignor.assign(brokers: brokers, partitions: partitions, replicationFactor: replicationFactor)
        return try await admin.createTopic(TopicAssignment(name: name, topicID: .random(), partitions: replicas), configs: [:])
    }

    /// Ends `id`'s metadata session as if its broker died: ZooKeeper's server expires it after
    /// the session timeout once its connection is cut; the embedded backend declares it dead.
    func killSession(of id: Int32) async throws {
        if let embedded {
            let store = try #require(await node(id)?.store)
            embedded.expireSession(store.sessionID)
        } else {
            await proxies[id]?.cut()
        }
    }

    /// Lets a cut-off node reach ZooKeeper again.
    func reconnect(_ id: Int32) async throws {
        try await proxies[id]?.restore()
    }

    func stop() async {
        for node in nodes { await node.stop() }
        await admin.close()
        for proxy in proxies.values { await proxy.stop() }
    }
}

/// Polls `condition` until it yields a value, for at most `seconds`.
func eventually<T: Sendable>(within seconds: Double = 20, _ condition: @Sendable () async -> T?) async -> T? {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if let value = await condition() { return value }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}
