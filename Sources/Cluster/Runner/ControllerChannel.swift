import LogStorage

/// How a broker's requests reach the controller when another broker holds the office. The
/// network implementation (the lead's, in KafkaBroker) sends Kafka's AlterPartition and
/// ControlledShutdown requests to the controller's endpoint; `LocalControllerDirectory` routes
/// within one process.
public protocol ControllerChannel: Sendable {
    func changeIsr(_ request: IsrChangeRequest, controller: Int32) async -> IsrChangeResult
    func controlledShutdown(brokerID: Int32, brokerEpoch: Int64, controller: Int32) async
        -> Result<[TopicPartition], ClusterError>
    /// An admin's leader election (ElectLeaders, key 43, forwarded to the controller).
    func electLeaders(_ request: LeaderElectionRequest, controller: Int32) async -> LeaderElectionResult
}

extension ControllerChannel {
    /// A channel that cannot carry ElectLeaders answers NOT_CONTROLLER, as a broker that is not
    /// the controller does; the client then looks for the controller again.
    public func electLeaders(_ request: LeaderElectionRequest, controller: Int32) async -> LeaderElectionResult {
        .failure(.notController("this broker cannot forward ElectLeaders to controller \(controller)"))
    }
}

/// The controller runners of the brokers in this process, by broker id (`petrel dev` runs
/// several brokers in one process; so do tests).
public actor LocalControllerDirectory: ControllerChannel {
    private var runners: [Int32: ControllerRunner] = [:]

    public init() {}

    public func register(_ runner: ControllerRunner) { runners[runner.config.brokerID] = runner }

    public func remove(_ runner: ControllerRunner) {
        if runners[runner.config.brokerID] === runner { runners[runner.config.brokerID] = nil }
    }

    public func changeIsr(_ request: IsrChangeRequest, controller: Int32) async -> IsrChangeResult {
        guard let runner = runners[controller] else {
            return Dictionary(
                request.items.map { ($0.partition, .failure(.notController("controller \(controller) is not in this process"))) },
                uniquingKeysWith: { _, last in last })
        }
        return await runner.changeIsr(request)
    }

    public func controlledShutdown(brokerID: Int32, brokerEpoch: Int64, controller: Int32) async
        -> Result<[TopicPartition], ClusterError>
    {
        guard let runner = runners[controller] else {
            return .failure(.notController("controller \(controller) is not in this process"))
        }
        return await runner.controlledShutdown(brokerID: brokerID, brokerEpoch: brokerEpoch)
    }

    public func electLeaders(_ request: LeaderElectionRequest, controller: Int32) async -> LeaderElectionResult {
        guard let runner = runners[controller] else {
            return .failure(.notController("controller \(controller) is not in this process"))
        }
        return await runner.electLeaders(request)
    }
}
