import LogStorage

/// How a metadata session ended.
public enum SessionEnd: Sendable, Hashable {
    /// The store declared the session dead (ZooKeeper: expired; embedded: declared dead). Its
    /// ephemeral registrations are gone.
    case expired
    /// The owner closed it.
    case closed
}

/// One controller write of a partition's state: create it (`expectedPartitionEpoch` -1) or
/// replace it only if its version is still `expectedPartitionEpoch`.
public struct PartitionStateWrite: Sendable, Hashable {
    public var partition: TopicPartition
    public var state: PartitionState
    public var expectedPartitionEpoch: Int32

    public init(partition: TopicPartition, state: PartitionState, expectedPartitionEpoch: Int32) {
        self.partition = partition
        self.state = state
        self.expectedPartitionEpoch = expectedPartitionEpoch
    }

    public var isCreate: Bool { expectedPartitionEpoch < 0 }
}

/// The cluster metadata contract, served by ZooKeeper (`ZooKeeperMetadataStore`, Kafka's znode
/// layout) or in one process (`EmbeddedMetadataStore`). One instance is one session of one
/// broker: its broker registration and controllership are ephemeral and end with the session.
///
/// Rules every backend keeps (the contract tests in Tests/ClusterTests check them on both):
/// - A broker id is held by at most one live session; registering it again from another fails
///   with `.brokerIDInUse` until the holder's session ends.
/// - Creating a topic writes its assignment and configs atomically; deleting removes its
///   assignment, configs and partition states atomically.
/// - Partition states change only by conditional writes fenced by the writer's controller epoch:
///   a stale `expectedPartitionEpoch` fails with `.staleVersion`, a deposed controller's write
///   with `.controllerMoved`.
/// - `elect` makes at most one controller at a time, each with a controller epoch one larger
///   than the last; the controllership ends with the session or `resign`.
/// - A read given a watch registers it: the watch then receives one `MetadataChange` when that
///   part next changes (created, changed or deleted), in store order.
/// - After the session ends every call fails with `.sessionEnded`; transient unavailability is
///   retried inside the store while the session lives.
public protocol MetadataStore: Sendable {
    /// This session's id (ZooKeeper's session id).
    var sessionID: Int64 { get }
    /// False once the session expired or was closed.
    var isSessionAlive: Bool { get }
    /// Returns when the session ends (at once if it has).
    func sessionEnded() async -> SessionEnd
    /// Ends the session: its broker registration and controllership go at once.
    func close() async

    /// A new subscriber to the change feed.
    func makeWatch() -> MetadataWatch

    /// The cluster id, created on first use (Kafka: `/cluster/id`).
    func clusterID() async throws(ClusterError) -> String

    // MARK: Brokers

    /// Registers this session's broker and returns the registration with its broker epoch.
    /// Registering again from the same session is harmless; another live session holding the
    /// id fails it with `.brokerIDInUse`.
    func registerBroker(_ registration: BrokerRegistration) async throws(ClusterError) -> BrokerRegistration
    /// Removes this session's registration of `id` (a clean shutdown), leaving the session open.
    func unregisterBroker(_ id: Int32) async throws(ClusterError)
    /// The live brokers, by id.
    func liveBrokers(watch: MetadataWatch?) async throws(ClusterError) -> [BrokerRegistration]

    // MARK: Topics

    /// Creates a topic (assignment and configs, atomically). Fails with `.alreadyExists` when a
    /// topic of that name exists. Returns the stored assignment (with its version).
    func createTopic(_ topic: TopicAssignment, configs: [String: String]) async throws(ClusterError) -> TopicAssignment
    /// Replaces a topic's assignment (adding partitions, starting or cancelling reassignments) if
    /// its version is still `topic.version`; with a `fence` (the controller completing a
    /// reassignment) also only while that controller is the latest (`.controllerMoved`).
    func updateTopicAssignment(_ topic: TopicAssignment, fence: ControllerFence?) async throws(ClusterError) -> TopicAssignment
    /// Deletes a topic with its configs and partition states. Fails with `.notFound`.
    func deleteTopic(_ name: String) async throws(ClusterError)
    /// The names of all topics, sorted.
    func topicNames(watch: MetadataWatch?) async throws(ClusterError) -> [String]
    /// A topic's assignment, or nil. The watch fires when the topic is created, changed or deleted.
    func topic(_ name: String, watch: MetadataWatch?) async throws(ClusterError) -> TopicAssignment?
    /// A topic's config overrides ([:] when it has none or does not exist).
    func topicConfigs(_ name: String, watch: MetadataWatch?) async throws(ClusterError) -> [String: String]
    /// Replaces a topic's config overrides. Fails with `.notFound` when the topic does not exist.
    func setTopicConfigs(_ name: String, _ configs: [String: String]) async throws(ClusterError)

    // MARK: Partition state

    /// A partition's state, or nil before the controller created it.
    func partitionState(_ partition: TopicPartition, watch: MetadataWatch?) async throws(ClusterError) -> PartitionState?
    /// The states of many partitions at once (pipelined), leaving out those not created yet.
    func partitionStates(_ partitions: [TopicPartition], watch: MetadataWatch?) async throws(ClusterError)
        -> [TopicPartition: PartitionState]
    /// Applies controller writes, each conditional on its expected version and on `fence` being
    /// the latest election. Per partition: the stored state (with its new `partitionEpoch`), or
    /// `.staleVersion`, `.alreadyExists` (create of an existing state), `.notFound` (no such
    /// topic), `.controllerMoved`. Writes are independent: some may succeed, others fail.
    func writePartitionStates(_ writes: [PartitionStateWrite], fence: ControllerFence) async
        -> [TopicPartition: Result<PartitionState, ClusterError>]

    // MARK: Controller

    /// Tries to become the controller. Returns the fence when this session won (the controller
    /// epoch is one more than the last), nil when another controller is active.
    func elect(brokerID: Int32) async throws(ClusterError) -> ControllerFence?
    /// The active controller, or nil. The watch fires on the next election or resignation.
    func controller(watch: MetadataWatch?) async throws(ClusterError) -> ControllerRegistration?
    /// Gives up controllership if `fence` still holds it; otherwise does nothing.
    func resign(_ fence: ControllerFence) async throws(ClusterError)
}

extension MetadataStore {
    /// An admin's assignment change (any broker), conditional on `topic.version` only.
    public func updateTopicAssignment(_ topic: TopicAssignment) async throws(ClusterError) -> TopicAssignment {
        try await updateTopicAssignment(topic, fence: nil)
    }
}
