/// The controller's settings, with Kafka's names and defaults.
public struct ControllerConfig: Sendable, Hashable {
    public var brokerID: Int32
    /// unclean.leader.election.enable (default false); a topic's config overrides it.
    public var uncleanLeaderElectionEnable: Bool
    /// auto.leader.rebalance.enable (default true).
    public var autoLeaderRebalanceEnable: Bool
    /// leader.imbalance.check.interval.seconds (default 300).
    public var leaderImbalanceCheckInterval: Duration
    /// leader.imbalance.per.broker.percentage (default 10): a broker's preferred partitions led
    /// elsewhere, above which leadership moves back.
    public var leaderImbalancePerBrokerPercentage: Int

    public init(
        brokerID: Int32, uncleanLeaderElectionEnable: Bool = false, autoLeaderRebalanceEnable: Bool = true,
        leaderImbalanceCheckInterval: Duration = .seconds(300), leaderImbalancePerBrokerPercentage: Int = 10
    ) {
        self.brokerID = brokerID
        self.uncleanLeaderElectionEnable = uncleanLeaderElectionEnable
        self.autoLeaderRebalanceEnable = autoLeaderRebalanceEnable
        self.leaderImbalanceCheckInterval = leaderImbalanceCheckInterval
        self.leaderImbalancePerBrokerPercentage = leaderImbalancePerBrokerPercentage
    }

    /// The topic config key that overrides `uncleanLeaderElectionEnable`.
    public static let uncleanLeaderElectionKey = "unclean.leader.election.enable"

    /// Whether a topic with these overrides may elect a leader outside its ISR.
    public func uncleanAllowed(topicConfigs: [String: String]?) -> Bool {
        switch topicConfigs?[Self.uncleanLeaderElectionKey]?.lowercased() {
        case "true": true
        case "false": false
        default: uncleanLeaderElectionEnable
        }
    }
}
